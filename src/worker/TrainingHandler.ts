import { tf } from '../ml/tf';
import { warmUp } from '../ml/trainStep';
import { TrainingSession } from '../ml/TrainingSession';
import type { ResumePoint, TrainingData, ValidationEvaluator } from '../ml/trainingTypes';
import { DIGITS_SPLIT, digitsTrainingData, loadMnist, type MnistData } from '../ml/mnist';
import { describeModel } from '../ml/modelSpec';
import type { Hyperparams } from '../ml/hyperparams';
import { findLearningRate } from '../ml/lrFinder';
import { yieldToEventLoop } from '../ml/yieldToEventLoop';
import type { LoadedDigits } from './digitLessonCalls';
import { lessonCallHandlers } from './lessonCalls';
import type { ModelSpec } from '../ml/modelSpec';
import { modelFileHandlers } from './modelFiles';
import { CollapseFollowUp } from './collapseFollowUp';
import type { ModelStorage } from './modelStorage';
import { installWasm } from '../ml/wasm';
import {
  WorkerError,
  type BackendChoice,
  type BackendInfo,
  type Calls,
  type CallType,
  type RequestMessage,
  type SessionEvent,
  type SessionTuning,
  type WorkerMessage,
  transferablesOf,
} from './protocol';

export type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

/** What differs between a real worker and a Node test: how backends start, how data is fetched, the clock. */
export interface HandlerEnvironment {
  setupBackend(choice: BackendChoice, onContextLost: () => void, threads?: number): Promise<BackendInfo>;
  fetch: typeof fetch;
  /** Drops the WebGL context (fault injection); false where there is none. */
  loseContext?: () => boolean;
  /** Where saved models are kept (IndexedDB in the worker); without it, saving reports that it is unavailable. */
  modelStorage?: ModelStorage;
  /** Validation passes on another thread for a session, where that helps (EvaluationWorkerClient.ts); without it, in line. */
  validationEvaluator?: (spec: ModelSpec, data: TrainingData, backend: BackendInfo | null) => ValidationEvaluator | undefined;
  /** The clock sessions read (SessionOptions.now); performance.now without it. */
  now?: () => number;
}

type Handlers = { [K in CallType]: (request: Extract<RequestMessage, { type: K }>) => Promise<Calls[K]['reply']> };

/**
 * Owns the data and the training session inside the worker and answers the page's requests one
 * at a time, in order. Takes `post` as a parameter so it can be tested without a real Worker.
 */
export class TrainingHandler {
  #post: Post;
  #env: HandlerEnvironment;
  #queue: Promise<void> = Promise.resolve();
  #backend: BackendInfo | null = null;
  #warming: Promise<void> = Promise.resolve();
  #mnist: MnistData | null = null;
  #validationIndices: Int32Array | null = null;
  #trainIndices: Int32Array | null = null;
  #data: TrainingData | null = null;
  #session: TrainingSession | null = null;
  /** What the current session was built from. Its live settings (hyperparameters, pace, health) are held by the session alone. */
  #sessionConfig: { spec: Calls['configure']['request']['spec']; tuning: SessionTuning } | null = null;
  #runId = 0;
  /** Weights copied off the device after each evaluation: what survives a lost GPU context. */
  #checkpoint: Float32Array[] | null = null;
  #contextLost = false;

  constructor(post: Post, env: HandlerEnvironment) {
    this.#post = post;
    this.#env = env;
  }

  /** Queues a request; requests are answered strictly in order. */
  handle(message: RequestMessage): Promise<void> {
    const next = this.#queue.then(() => this.#answer(message));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #answer(message: RequestMessage): Promise<void> {
    const handler = (this.#handlers as Record<string, ((m: RequestMessage) => Promise<unknown>) | undefined>)[message?.type];
    if (typeof message?.id !== 'number' || !handler) {
      this.#post({ type: 'reply', id: typeof message?.id === 'number' ? message.id : -1, ok: false, error: { message: `Unknown request "${String(message?.type)}".`, code: 'badRequest' } });
      return;
    }
    try {
      const result = await handler(message);
      const transfer = transferablesOf(result);
      this.#post({ type: 'reply', id: message.id, ok: true, result }, transfer);
    } catch (cause) {
      const error = cause instanceof WorkerError ? cause : new WorkerError(cause instanceof Error ? cause.message : String(cause), 'internal');
      this.#post({ type: 'reply', id: message.id, ok: false, error: { message: error.message, code: error.code } });
    }
  }

  #emit(event: SessionEvent, runId = this.#runId): void {
    this.#post({ type: 'event', runId, event });
  }

  #requireSession(): TrainingSession {
    if (!this.#session) throw new WorkerError('No model is set up yet.', 'noSession');
    return this.#session;
  }

  #handlers: Handlers = {
    init: async ({ backend, threads, wasmParts }) => {
      // The speed-ups asked for (each on unless switched off); each backend start puts them in place.
      installWasm({ ...wasmParts });
      try {
        this.#backend = await this.#env.setupBackend(backend, () => this.#onContextLost(), threads);
      } catch (cause) {
        throw new WorkerError(cause instanceof Error ? cause.message : String(cause), 'backend');
      }
      this.#contextLost = false;
      return this.#backend;
    },

    load: async ({ task }) => {
      if (task.kind === 'mnist') {
        try {
          this.#mnist = await loadMnist(task.url, this.#env.fetch, (received, total) => this.#emit({ kind: 'download', received, total }));
        } catch (cause) {
          throw new WorkerError(cause instanceof Error ? cause.message : String(cause), 'data');
        }
        const digits = digitsTrainingData(this.#mnist, task.validationCount ?? DIGITS_SPLIT.validationCount, task.seed ?? DIGITS_SPLIT.seed, task.trainCount);
        this.#data = digits.data;
        this.#trainIndices = digits.trainIndices;
        this.#validationIndices = digits.validationIndices;
      } else {
        this.#data = task.data;
        this.#mnist = null;
      }
      const d = this.#data;
      return { trainCount: d.train.count, validationCount: d.validation?.count ?? 0, inputShape: d.inputShape, outputUnits: d.outputUnits };
    },

    configure: async ({ spec, hyper, tuning }) => {
      if (!this.#data) throw new WorkerError('Load the data before setting up a model.', 'noData');
      const summary = describeModel(spec, this.#data.inputShape, this.#data.outputUnits);
      if (summary.errors.length > 0) throw new WorkerError(summary.errors.join(' '), 'badRequest');
      // The health view stays on across a rebuild; the session checks `hyper` and the pace itself.
      const health = this.#session?.health ?? false;
      await this.#disposeSession();
      this.#sessionConfig = { spec, tuning: tuning ?? {} };
      this.#startSession({ hyper, stepsPerSecond: tuning?.stepsPerSecond, health });
      if (this.#data.inputShape.length === 3) setTimeout(() => void this.#warmUp(), 0); // images: set the kernels up while the learner reads
      return { runId: this.#runId, summary };
    },

    train: async () => {
      await this.#warming;
      const session = this.#requireSession();
      if (this.#contextLost) throw new WorkerError('The GPU context was lost. Switch to another backend to continue.', 'backend');
      void session.train();
      return { state: session.state };
    },

    pause: async () => {
      const session = this.#requireSession();
      if (!this.#contextLost) await session.pause();
      return { state: session.state, step: session.step };
    },

    step: async () => {
      const session = this.#requireSession();
      await session.pause();
      await session.trainOneStep();
      return { state: session.state, step: session.step };
    },

    reset: async () => {
      const session = this.#requireSession();
      this.#checkpoint = null;
      await session.reset(); // its last reports (pause's flush) still belong to the old run
      this.#runId++; // from here on the same session reports under the new run id
      return { runId: this.#runId };
    },

    setHyper: async ({ values }) => {
      const session = this.#requireSession();
      const messages = session.setHyperparams(values);
      return { messages, hyper: session.hyperparams, step: session.step };
    },

    predict: async ({ x, count }) => {
      const session = this.#requireSession();
      if (!(x instanceof Float32Array) || count < 1 || x.length !== count * this.#exampleSize()) {
        throw new WorkerError('The input to predict has the wrong size.', 'badRequest');
      }
      return { values: await session.predict(x, count) };
    },

    hiddenActivations: async ({ x, count }) => {
      const session = this.#requireSession();
      if (!(x instanceof Float32Array) || count < 1 || x.length !== count * this.#exampleSize()) {
        throw new WorkerError('The input to hiddenActivations has the wrong size.', 'badRequest');
      }
      return session.hiddenActivations(x, count);
    },

    setHealth: async ({ on }) => {
      const session = this.#requireSession();
      session.health = Boolean(on);
      return { on: session.health };
    },

    findLearningRate: async ({ steps, minLr, maxLr }) => {
      const session = this.#requireSession();
      const config = this.#sessionConfig!;
      await session.pause();
      const hyper = session.hyperparams;
      const runId = this.#runId;
      return findLearningRate({
        spec: config.spec,
        data: this.#data!,
        optimizer: hyper.optimizer,
        batchSize: hyper.batchSize,
        // Fresh weights, like a new run: a trained model's curve is flat until it explodes.
        seed: config.tuning.seed,
        // Checked against LR_FINDER_SCHEMA by findLearningRate.
        steps,
        minLr,
        maxLr,
        onProgress: async (done, total) => {
          if (done % 10 === 0) this.#emit({ kind: 'lrFinder', done, total }, runId);
          await yieldToEventLoop();
        },
      });
    },

    weights: async () => ({ values: await this.#requireSession().readWeights() }),

    setWeights: async ({ values }) => {
      const session = this.#requireSession();
      await session.pause();
      try {
        session.writeWeights(values.map((v) => Float32Array.from(v)));
      } catch (cause) {
        throw new WorkerError(cause instanceof Error ? cause.message : String(cause), 'badRequest');
      }
      return { step: session.step };
    },

    setPace: async ({ stepsPerSecond }) => {
      const session = this.#requireSession();
      session.stepsPerSecond = stepsPerSecond; // checked against PACE_SCHEMA there
      return { stepsPerSecond: session.stepsPerSecond };
    },

    switchBackend: async ({ backend }) => {
      // Keep what was learnt: read the weights (or, after a lost context, the last checkpoint).
      let weights: Float32Array[] | null = null;
      const old = this.#session;
      if (old && !this.#contextLost) {
        await old.pause();
        weights = await old.readWeights();
      } else {
        weights = this.#checkpoint;
      }
      // Read after the pause: the new session carries on with the old one's settings and count.
      const carried = old ? { hyper: old.hyperparams, stepsPerSecond: old.stepsPerSecond, health: old.health, resume: old.resumePoint } : null;
      await this.#disposeSession();
      try {
        this.#backend = await this.#env.setupBackend(backend, () => this.#onContextLost());
      } catch (cause) {
        throw new WorkerError(cause instanceof Error ? cause.message : String(cause), 'backend');
      }
      this.#contextLost = false;
      if (this.#sessionConfig && carried) {
        this.#startSession(carried);
        if (weights) this.#session!.writeWeights(weights);
      }
      return this.#backend;
    },

    simulateContextLoss: async () => ({ lost: this.#env.loseContext?.() ?? false }),

    memory: async () => {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
    },

    dispose: async () => {
      await this.#disposeSession();
      this.#sessionConfig = null; // nothing left to carry over to another backend
      return { numTensors: tf.memory().numTensors };
    },

    ...lessonCallHandlers({ session: () => this.#requireSession(), digits: () => this.#digits() }),

    // Save, load, download, upload (modelFiles.ts): they read the model in use, and swap in only a checked one.
    ...modelFileHandlers({
      storage: () => this.#env.modelStorage,
      data: () => this.#data,
      current: () => (this.#session && this.#sessionConfig ? { session: this.#session, spec: this.#sessionConfig.spec, tuning: this.#sessionConfig.tuning } : null),
      adopt: (spec, hyper, weights, resume) => this.#adoptModel(spec, hyper, weights, resume),
    }),
  };

  #digits(): LoadedDigits {
    return { mnist: this.#mnist, trainIndices: this.#trainIndices, validationIndices: this.#validationIndices, data: this.#data };
  }

  /** A new session for a saved or uploaded model: its spec and weights (checked by modelFiles), trained on from `resume`. */
  async #adoptModel(spec: ModelSpec, hyper: Hyperparams, weights: Float32Array[], resume: ResumePoint) {
    const old = this.#session;
    const live = { hyper, stepsPerSecond: old?.stepsPerSecond, health: old?.health ?? false, resume };
    await this.#disposeSession();
    this.#sessionConfig = { spec, tuning: this.#sessionConfig?.tuning ?? {} };
    this.#startSession(live);
    this.#session!.writeWeights(weights);
    return { runId: this.#runId, summary: describeModel(spec, this.#data!.inputShape, this.#data!.outputUnits) };
  }

  #exampleSize(): number {
    return this.#data ? this.#data.inputShape.reduce((a, b) => a * b, 1) : 0;
  }

  /** One throw-away pass of the fresh model (see warmUp), unless training already began. */
  #warmUp(): Promise<void> {
    const session = this.#session;
    if (!session || session.state !== 'idle' || session.step > 0) return this.#warming;
    this.#warming = session.inspect((model, data) => warmUp(model, data, session.hyperparams.batchSize)).catch(() => {});
    return this.#warming;
  }

  #startSession(live: { hyper: Hyperparams; stepsPerSecond?: number; health: boolean; resume?: ResumePoint }): void {
    const config = this.#sessionConfig!;
    const runId = ++this.#runId;
    this.#checkpoint = null;
    // The current session reports under the current run (a reset starts a new one); a replaced one under its own.
    const emit = (event: SessionEvent): void => this.#emit(event, this.#session === session ? this.#runId : runId);
    const collapse = new CollapseFollowUp();
    // The widget's tuning goes to the session as it is (one type, SessionTuning); the pace is live.
    const { inLineEvaluation, ...tuning } = config.tuning;
    const session: TrainingSession = new TrainingSession({
      ...tuning,
      spec: config.spec,
      data: this.#data!,
      hyper: live.hyper,
      stepsPerSecond: live.stepsPerSecond,
      resume: live.resume,
      validationEvaluator: inLineEvaluation ? undefined : this.#env.validationEvaluator?.(config.spec, this.#data!, this.#backend),
      now: this.#env.now,
      callbacks: {
        onStateChange: (state) => emit({ kind: 'state', state }),
        onStep: (progress) => emit({ kind: 'step', progress }),
        onEvaluate: (evaluation) => {
          emit({ kind: 'evaluate', evaluation });
          collapse.note(evaluation);
          void this.#saveCheckpoint(session);
        },
        onDiverged: (report) => {
          emit({ kind: 'diverged', report });
          void collapse.measure(session, report, config.tuning).then((restored) => restored && emit({ kind: 'evaluate', evaluation: restored }));
        },
        onHyperChange: (change) => emit({ kind: 'hyperChange', change }),
        onError: (error) => emit({ kind: 'error', message: `Training stopped: ${error.message}`, code: 'training' }),
      },
    });
    session.health = live.health;
    this.#session = session;
  }

  async #saveCheckpoint(session: TrainingSession): Promise<void> {
    try {
      const weights = await session.readWeights();
      if (session === this.#session) this.#checkpoint = weights;
    } catch {
      // A checkpoint is a best effort; the next evaluation tries again.
    }
  }

  async #disposeSession(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    if (this.#contextLost) return; // its loop may be stuck on a dead GPU; let it go.
    await session.dispose();
  }

  #onContextLost(): void {
    this.#contextLost = true;
    this.#emit({
      kind: 'error',
      code: 'contextLost',
      message:
        'The GPU (WebGL) context was lost — the browser or the graphics driver reset it. Your model is safe up to its last evaluation. Continue on another backend to pick up from there.',
    });
  }
}
