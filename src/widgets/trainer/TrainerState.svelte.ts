import { TrainingClient } from '../../worker/TrainingClient';
import { announceEngineReady } from './engineReady';
import { ENGINE_STARTS, startEngine, type EngineStart } from './engineStart';
import type { AdoptedModel, BackendChoice, BackendInfo, Calls, SessionEvent, SessionTuning, TaskSpec } from '../../worker/protocol';
import type { ModelSpec, ModelSummary } from '../../ml/modelSpec';
import { changedSettings, type Hyperparams } from '../../ml/hyperparams';
import type { TrainingData } from '../../ml/trainingTypes';
import { LessonQueries } from './LessonQueries';
import { TrainingProgress, type SavedCurves } from './TrainingProgress.svelte';
import { stateToStatus, type TrainerStatus } from './trainerStatus';

export type { TrainerStatus } from './trainerStatus';

export interface TrainerOptions {
  createClient?: () => TrainingClient;
  /** Most loss points kept for the chart (older ones are averaged in pairs). */
  maxPoints?: number;
  /** How often step reports reach the page (each visible change costs a frame). */
  uiIntervalMs?: number;
  /** Names a run for the history (the widget knows the model's name). */
  runLabel?: () => string;
  /** The engine starts to try in turn (tests shorten the waits). */
  engineStarts?: readonly EngineStart[];
}

const CALL_TIMEOUT_MS = 60_000;

/**
 * The page-side face of one training worker: what it reports, read through getters, and typed
 * actions for the buttons and widgets. Nothing outside writes its fields or sends raw worker
 * messages. What the run reported (losses, evaluations, speed…) lives in `progress`.
 */
export class TrainerState {
  #status = $state<TrainerStatus>('starting');
  #message = $state<string | null>(null);
  #backend = $state.raw<BackendInfo | null>(null);
  #summary = $state.raw<ModelSummary | null>(null);
  #hyper = $state.raw<Hyperparams | null>(null);
  #lrFinderProgress = $state<number | null>(null);
  #startNote = $state<string | null>(null);
  /** What the worker reported about this run and the runs before it. */
  readonly progress: TrainingProgress;
  /** Questions only some lessons' widgets ask (feature maps, the digits, the baseline…). */
  readonly ask = new LessonQueries(
    (type, request, transfer) => (this.#client ? this.#client.call(type, request, { transfer, timeoutMs: CALL_TIMEOUT_MS }) : Promise.reject(new Error('The trainer has not started.'))),
    () => this.#client !== null && !this.busy && this.#status !== 'error',
  );

  #client: TrainingClient | null = null;
  #unsubscribe: (() => void) | null = null;
  #createClient: () => TrainingClient;
  #task: TaskSpec | null = null;
  #spec: ModelSpec | null = null;
  #tuning: SessionTuning = {};
  #queue: Promise<unknown> = Promise.resolve();
  #runLabel: (() => string) | null;
  /**
   * The learner's last word: Train (true) or Pause (false). The status follows the worker's
   * reports and lags a pause still on its way, so a rebuild asks this whether to play on.
   */
  #playing = false;
  /** Rebuilds under way: Train waits for them, so it never trains the model or data being replaced. */
  #rebuilding = 0;
  #engineStarts: readonly EngineStart[];

  constructor(options: TrainerOptions = {}) {
    this.#createClient = options.createClient ?? (() => new TrainingClient());
    this.progress = new TrainingProgress(options.maxPoints ?? 3000, options.uiIntervalMs ?? 250);
    this.#runLabel = options.runLabel ?? null;
    this.#engineStarts = options.engineStarts ?? ENGINE_STARTS;
  }

  // ---- what the learner sees -----------------------------------------------------------------

  get status(): TrainerStatus { return this.#status; }
  /** The latest problem, in the learner's words (null when all is well). */
  get message(): string | null { return this.#message; }
  get backend(): BackendInfo | null { return this.#backend; }
  get summary(): ModelSummary | null { return this.#summary; }
  /** The training settings the worker holds now (as it checked them). */
  get hyper(): Hyperparams | null { return this.#hyper; }
  /** Set when an engine start did not answer and another was started instead: says so in one sentence. */
  get startNote(): string | null { return this.#startNote; }
  /** 0…1 while the learning-rate finder runs, else null. */
  get lrFinderProgress(): number | null { return this.#lrFinderProgress; }
  /** What the learner pressed last: Play (true), or Pause or Reset (false). */
  get playing(): boolean { return this.#playing; }

  get busy(): boolean {
    return this.#status === 'starting' || this.#status === 'loading';
  }

  /** A worker is running (it may still be starting, or have failed). */
  get connected(): boolean {
    return this.#client !== null;
  }

  // ---- life cycle -----------------------------------------------------------------------------

  /** Starts the worker, picks a backend, loads the data and builds the model. */
  async start(backend: BackendChoice, task: TaskSpec, spec: ModelSpec, hyper: Hyperparams, tuning: SessionTuning = {}): Promise<void> {
    this.#task = task;
    this.#spec = spec;
    this.#tuning = tuning;
    this.#hyper = hyper;
    this.#closeClient();
    this.#status = 'starting';
    this.#message = null;
    this.#startNote = null;
    try {
      const { client, info } = await startEngine(backend, this.#engineStarts, () => this.#openClient(), (note) => (this.#startNote = note));
      this.#backend = info;
      this.#status = 'loading';
      await client.call('load', { task }, { timeoutMs: CALL_TIMEOUT_MS });
      await this.#configure(spec, hyper);
      this.#status = 'ready';
      announceEngineReady();
    } catch (error) {
      this.#fail(error);
      announceEngineReady(); // a failed start leaves the page quiet too
    }
  }

  /** A fresh worker, subscribed, in place of the last one (an engine start that hung is stopped so). */
  #openClient(): TrainingClient {
    this.#closeClient();
    const client = this.#createClient();
    this.#client = client;
    this.#unsubscribe = client.onEvent((e) => this.#onEvent(e));
    return client;
  }

  /** Rebuilds the model (new architecture); the chart starts afresh. */
  async configure(spec: ModelSpec, hyper: Hyperparams): Promise<void> {
    this.#spec = spec;
    try {
      await this.#configure(spec, hyper);
      this.#status = 'ready';
    } catch (error) {
      this.reportError(error);
    }
  }

  /**
   * Rebuilds the model, on new data when given, then plays if the learner's last word is Train:
   * as it was, or as they pressed while it rebuilt (Pause pressed meanwhile keeps it paused).
   */
  async rebuild(spec: ModelSpec, hyper: Hyperparams, task?: TaskSpec): Promise<void> {
    this.#rebuilding++;
    try {
      await this.#act(() => this.#call('pause', {}));
      if (task) {
        await this.#call('load', { task });
        this.#task = task;
      }
      await this.configure(spec, hyper);
    } catch (error) {
      this.#playing = false; // nothing new to play: the old model must not train on in its place
      throw error;
    } finally {
      this.#rebuilding--;
    }
    if (this.#playing && this.#status !== 'error' && !this.#message) await this.train();
    else this.#playing = false;
  }

  /**
   * Runs settings changes one after another, so a quick second change cannot interleave with
   * the first. The returned promise rejects with the job's error (the queue itself goes on).
   * A job must not await another queued call (such as `changeSettings`): it would wait for itself.
   */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    this.#closeClient();
    this.progress.dispose();
  }

  // ---- the buttons ----------------------------------------------------------------------------

  async train(): Promise<void> {
    this.#playing = true;
    this.#message = null;
    if (this.#rebuilding > 0) return; // the rebuild plays its new model once it is ready
    this.progress.trainRequested(this.#hyper?.epochs ?? 0);
    this.progress.clearDivergence();
    await this.#act(() => this.#call('train', {}));
  }

  async pause(): Promise<void> {
    this.#playing = false;
    await this.#act(() => this.#call('pause', {}));
  }

  async stepOnce(): Promise<void> {
    this.progress.clearDivergence();
    await this.#act(() => this.#call('step', {}));
  }

  async reset(): Promise<void> {
    this.#playing = false;
    await this.#act(async () => {
      const { runId } = await this.#call('reset', {});
      this.#newRun(runId);
      this.#status = 'ready';
      this.progress.weightsChanged();
    });
  }

  /** Continues on another backend, keeping the weights (used after a lost GPU context too). */
  async switchBackend(backend: BackendChoice): Promise<void> {
    this.#message = null;
    const client = this.#client;
    if (!client) return;
    this.#status = 'starting';
    try {
      this.#backend = await client.call('switchBackend', { backend }, { timeoutMs: 90_000 });
      this.#status = 'paused';
    } catch (error) {
      // The worker itself may be wedged: start a fresh one on the requested backend.
      if (this.#task && this.#spec && this.#hyper) await this.start(backend, this.#task, this.#spec, this.#hyper, this.#tuning);
      else this.#fail(error);
    }
  }

  /** Shows a problem the widget met (a failed refresh, a bad file) in the trainer's alert. */
  reportError(error: unknown): void {
    this.#message = error instanceof Error ? error.message : String(error);
  }

  // ---- settings -------------------------------------------------------------------------------

  /**
   * Sends training settings; the worker checks them against the schema and applies them at the
   * next step. Queued behind rebuilds. Returns the messages for rejected or clamped values.
   */
  changeSettings(values: Partial<Record<keyof Hyperparams, unknown>>): Promise<string[]> {
    return this.enqueue(async () => {
      if (!this.#client) return [];
      try {
        const reply = await this.#call('setHyper', { values });
        const before = this.#hyper;
        this.#hyper = reply.hyper;
        this.progress.settingsChanged(reply.hyper, changedSettings(before, reply.hyper));
        return reply.messages;
      } catch (error) {
        return [error instanceof Error ? error.message : String(error)];
      }
    });
  }

  /** Slows training to this many steps a second (0 = full speed), for widgets that animate. */
  async setPace(stepsPerSecond: number): Promise<void> {
    if (!this.#client) return;
    await this.#act(() => this.#call('setPace', { stepsPerSecond }));
  }

  /** Replaces the training data; the next configure builds a model for it. */
  async loadData(data: TrainingData): Promise<void> {
    await this.#call('load', { task: { kind: 'arrays', data } });
  }

  /** Runs the learning-rate finder on a copy of the model; progress shows in `lrFinderProgress`. */
  async findLearningRate(): Promise<Calls['findLearningRate']['reply']> {
    this.#lrFinderProgress = 0;
    try {
      return await this.#call('findLearningRate', {});
    } finally {
      this.#lrFinderProgress = null;
    }
  }

  // ---- reading and writing the model ----------------------------------------------------------

  /** The model's outputs for `count` inputs (null while there is no model to ask). */
  async predict(x: Float32Array, count: number): Promise<Float32Array | null> {
    if (!this.#client || this.busy || this.#status === 'error') return null;
    const reply = await this.#client.call('predict', { x, count }, { transfer: [x.buffer as ArrayBuffer], timeoutMs: 30_000 });
    return reply.values;
  }

  /** The last hidden layer's outputs for `count` inputs, with the output layer's weights. */
  hiddenActivations(x: Float32Array, count: number): Promise<Calls['hiddenActivations']['reply']> {
    return this.#call('hiddenActivations', { x, count });
  }

  async readWeights(): Promise<Float32Array[]> {
    return (await this.#call('weights', {})).values;
  }

  async writeWeights(values: Float32Array[]): Promise<void> {
    await this.#call('setWeights', { values });
  }

  // ---- keeping and sharing the model (the worker's modelFiles.ts) -----------------------------

  /** Stores the model in use in the browser under `key`. */
  saveModel(key: string): Promise<Calls['saveModel']['reply']> {
    return this.#call('saveModel', { key, epoch: this.progress.epoch });
  }

  /** Swaps in a stored model (checked by the worker) and trains on from it with `hyper`; its saved curves lead the chart. */
  async loadSavedModel(key: string, hyper: Hyperparams, saved: SavedCurves, name: string): Promise<AdoptedModel> {
    await this.pause();
    const reply = await this.#call('loadSavedModel', { key, hyper });
    this.#adopt(reply, hyper, saved, name);
    return reply;
  }

  async deleteSavedModel(key: string): Promise<void> {
    await this.#call('deleteSavedModel', { key });
  }

  /** The model in use as TensorFlow.js layers-format files: model.json's text and the weights' bytes. */
  exportModel(): Promise<Calls['exportModel']['reply']> {
    return this.#call('exportModel', { epoch: this.progress.epoch });
  }

  /** Swaps in an uploaded model (model.json + weights), once the worker has checked it; nothing changes when it fails. */
  async importModel(files: File[], hyper: Hyperparams, name: string): Promise<AdoptedModel> {
    await this.pause();
    const reply = await this.#call('importModel', { files, hyper });
    this.#adopt(reply, hyper, { batchLosses: [], evaluations: [] }, name);
    return reply;
  }

  // ---- inside ---------------------------------------------------------------------------------

  #call<K extends keyof Calls>(type: K, request: Calls[K]['request']): Promise<Calls[K]['reply']> {
    if (!this.#client) return Promise.reject(new Error('The trainer has not started.'));
    return this.#client.call(type, request, { timeoutMs: CALL_TIMEOUT_MS });
  }

  async #configure(spec: ModelSpec, hyper: Hyperparams): Promise<void> {
    const reply = await this.#call('configure', { spec, hyper, tuning: this.#tuning });
    this.#summary = reply.summary;
    this.#hyper = hyper;
    this.#newRun(reply.runId);
  }

  #adopt(reply: AdoptedModel, hyper: Hyperparams, saved: SavedCurves, name: string): void {
    this.#spec = reply.spec;
    this.#summary = reply.summary;
    this.#hyper = hyper;
    this.progress.startRun(reply.runId, hyper, name); // the run so far goes to the history under the settings it trained with
    this.progress.continueFrom(saved, reply.evaluation, `loaded ${name}`);
    this.#message = null;
    this.#status = 'ready';
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.reportError(error);
    }
  }

  #fail(error: unknown): void {
    this.#status = 'error';
    this.reportError(error);
  }

  #newRun(runId: number): void {
    this.progress.startRun(runId, this.#hyper, this.#runLabel?.() ?? null);
  }

  #closeClient(): void {
    this.progress.dropPending();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#client?.terminate();
    this.#client = null;
  }

  #onEvent(event: SessionEvent): void {
    switch (event.kind) {
      case 'state':
        this.#status = stateToStatus(event.state, this.#status);
        if (event.state === 'done' || event.state === 'diverged') this.#playing = false;
        break;
      case 'lrFinder':
        this.#lrFinderProgress = event.done / event.total;
        break;
      case 'error':
        this.#playing = false;
        this.progress.receive(event);
        this.#message = event.message;
        this.#status = event.code === 'contextLost' ? 'error' : 'paused';
        break;
      default:
        this.progress.receive(event);
    }
  }
}
