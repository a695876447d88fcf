import { TrainingClient } from '../worker/TrainingClient';
import type { BackendChoice, BackendInfo, Calls, SessionEvent, SessionTuning, TaskSpec } from '../worker/protocol';
import type { ModelSpec, ModelSummary } from '../ml/modelSpec';
import type { Hyperparams } from '../ml/hyperparams';
import type { DivergenceReport, Evaluation, SessionState, StepProgress, TrainingData } from '../ml/trainingTypes';

export type TrainerStatus = 'starting' | 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'diverged' | 'error';

export interface LossPoint {
  step: number;
  epoch: number;
  loss: number;
}

export interface PastRun {
  id: number;
  label: string;
  hyper: Hyperparams;
  evaluations: Evaluation[];
  batchLosses: LossPoint[];
}

export interface Marker {
  step: number;
  epoch: number;
  label: string;
}

/** Keeps at most `limit` points by averaging neighbours, so long runs stay cheap to draw. */
function compact(points: LossPoint[], limit: number): LossPoint[] {
  if (points.length <= limit) return points;
  const out: LossPoint[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const a = points[i];
    const b = points[i + 1];
    out.push({ step: b.step, epoch: b.epoch, loss: (a.loss + b.loss) / 2 });
  }
  if (points.length % 2) out.push(points[points.length - 1]);
  return out;
}

/**
 * The page-side state of one trainer widget: the worker client, what it reports, and the
 * actions the buttons call. Histories are `$state.raw` because they are replaced wholesale.
 */
export class TrainerState {
  status = $state<TrainerStatus>('starting');
  message = $state<string | null>(null);
  backend = $state<BackendInfo | null>(null);
  summary = $state<ModelSummary | null>(null);
  hyper = $state.raw<Hyperparams | null>(null);
  batchLosses = $state.raw<LossPoint[]>([]);
  evaluations = $state.raw<Evaluation[]>([]);
  markers = $state.raw<Marker[]>([]);
  divergence = $state.raw<DivergenceReport | null>(null);
  examplesPerSecond = $state(0);
  msPerStep = $state(0);
  learningRate = $state(0);
  step = $state(0);
  epoch = $state(0);
  trainAccuracy = $state<number | null>(null);
  /** Learning rate against step, for the schedule plot. */
  learningRates = $state.raw<{ step: number; lr: number }[]>([]);
  gradientNorm = $state<number | null>(null);
  deadRelu = $state.raw<{ layer: string; fraction: number }[]>([]);
  /** Finished or replaced runs of this session, newest last (kept for overlays). */
  runs = $state.raw<PastRun[]>([]);
  lrFinderProgress = $state<number | null>(null);
  /** Latest weights, when the session was configured with `reportWeights` (tiny models). */
  weights = $state.raw<number[][] | null>(null);
  /** The run the current histories belong to. */
  runId = $state(0);
  /** Bumped whenever the model's weights changed, so predictions can refresh. */
  weightsVersion = $state(0);

  #client: TrainingClient | null = null;
  #unsubscribe: (() => void) | null = null;
  #createClient: () => TrainingClient;
  #task: TaskSpec | null = null;
  #spec: ModelSpec | null = null;
  #tuning: SessionTuning = {};
  #maxPoints: number;
  #queue: Promise<void> = Promise.resolve();
  #nextRunNumber = 1;
  #currentRunLabel: string | null = null;
  /** Names a run for the history (the widget knows the model's name). */
  runLabel: (() => string) | null = null;
  #uiIntervalMs: number;
  #pendingSteps: StepProgress[] = [];
  #pendingTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: { createClient?: () => TrainingClient; maxPoints?: number; uiIntervalMs?: number } = {}) {
    this.#createClient = options.createClient ?? (() => new TrainingClient());
    this.#maxPoints = options.maxPoints ?? 3000;
    this.#uiIntervalMs = options.uiIntervalMs ?? 250;
  }

  get client(): TrainingClient | null {
    return this.#client;
  }

  get latestEvaluation(): Evaluation | null {
    return this.evaluations.at(-1) ?? null;
  }

  get busy(): boolean {
    return this.status === 'starting' || this.status === 'loading';
  }

  /** Starts the worker, picks a backend, loads the data and builds the model. */
  async start(backend: BackendChoice, task: TaskSpec, spec: ModelSpec, hyper: Hyperparams, tuning: SessionTuning = {}): Promise<void> {
    this.#task = task;
    this.#spec = spec;
    this.#tuning = tuning;
    this.hyper = hyper;
    this.#closeClient();
    this.status = 'starting';
    this.message = null;
    try {
      const client = this.#createClient();
      this.#client = client;
      this.#unsubscribe = client.onEvent((e) => this.#onEvent(e));
      this.backend = await client.call('init', { backend }, { timeoutMs: 90_000 });
      this.status = 'loading';
      await client.call('load', { task }, { timeoutMs: 60_000 });
      await this.#configure(spec, hyper);
      this.status = 'ready';
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Rebuilds the model (new architecture); the chart starts afresh. */
  async configure(spec: ModelSpec, hyper: Hyperparams): Promise<void> {
    this.#spec = spec;
    try {
      await this.#configure(spec, hyper);
      this.status = 'ready';
    } catch (error) {
      this.message = error instanceof Error ? error.message : String(error);
    }
  }

  async #configure(spec: ModelSpec, hyper: Hyperparams): Promise<void> {
    const client = this.#requireClient();
    const reply = await client.call('configure', { spec, hyper, tuning: this.#tuning }, { timeoutMs: 60_000 });
    this.summary = reply.summary;
    this.hyper = hyper;
    this.#clearHistory(reply.runId);
  }

  /** Rebuilds the model, on new data when given; keeps training if it was. */
  async rebuild(spec: ModelSpec, hyper: Hyperparams, data?: TrainingData): Promise<void> {
    const wasRunning = this.status === 'running';
    await this.pause();
    if (data) await this.#requireClient().call('load', { task: { kind: 'arrays', data } }, { timeoutMs: 60_000 });
    await this.configure(spec, hyper);
    if (wasRunning && !this.message) await this.train();
  }

  /**
   * Runs settings changes one after another, so a quick second change cannot interleave with
   * the first. The returned promise rejects with the job's error (the queue itself goes on).
   */
  enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async train(): Promise<void> {
    this.message = null;
    this.divergence = null;
    await this.#act(() => this.#requireClient().call('train', {}));
  }

  async pause(): Promise<void> {
    await this.#act(() => this.#requireClient().call('pause', {}));
  }

  async stepOnce(): Promise<void> {
    this.divergence = null;
    await this.#act(() => this.#requireClient().call('step', {}));
  }

  async reset(): Promise<void> {
    await this.#act(async () => {
      const { runId } = await this.#requireClient().call('reset', {});
      this.#clearHistory(runId);
      this.status = 'ready';
      this.weightsVersion++;
    });
  }

  /** Sends checked settings; returns the messages for rejected or clamped values. */
  async setHyper(values: Partial<Record<keyof Hyperparams, unknown>>): Promise<string[]> {
    try {
      const reply = await this.#requireClient().call('setHyper', { values });
      this.hyper = reply.hyper;
      return reply.messages;
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
  }

  async predict(x: Float32Array, count: number): Promise<Float32Array | null> {
    if (!this.#client || this.busy || this.status === 'error') return null;
    const reply = await this.#client.call('predict', { x, count }, { transfer: [x.buffer as ArrayBuffer], timeoutMs: 30_000 });
    return reply.values;
  }

  async call<K extends keyof Calls>(type: K, request: Calls[K]['request']): Promise<Calls[K]['reply']> {
    return this.#requireClient().call(type, request, { timeoutMs: 60_000 });
  }

  /** Continues on another backend, keeping the weights (used after a lost GPU context too). */
  async switchBackend(backend: BackendChoice): Promise<void> {
    this.message = null;
    const client = this.#client;
    if (!client) return;
    this.status = 'starting';
    try {
      this.backend = await client.call('switchBackend', { backend }, { timeoutMs: 90_000 });
      this.status = 'paused';
    } catch (error) {
      // The worker itself may be wedged: start a fresh one on the requested backend.
      if (this.#task && this.#spec && this.hyper) await this.start(backend, this.#task, this.#spec, this.hyper, this.#tuning);
      else this.#fail(error);
    }
  }

  dispose(): void {
    this.#closeClient();
  }

  #requireClient(): TrainingClient {
    if (!this.#client) throw new Error('The trainer has not started.');
    return this.#client;
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.message = error instanceof Error ? error.message : String(error);
    }
  }

  #fail(error: unknown): void {
    this.status = 'error';
    this.message = error instanceof Error ? error.message : String(error);
  }

  /** Keeps the run being replaced, so the learner can compare it with the next ones. */
  #archiveRun(): void {
    if (this.batchLosses.length === 0 || !this.hyper) return;
    const label = this.#currentRunLabel ?? `run ${this.#nextRunNumber}`;
    this.runs = [...this.runs, { id: this.#nextRunNumber++, label, hyper: this.hyper, evaluations: this.evaluations, batchLosses: this.batchLosses }].slice(-20);
  }

  #clearHistory(runId: number): void {
    this.#archiveRun();
    this.#currentRunLabel = this.runLabel?.() ?? null;
    if (this.#pendingTimer) clearTimeout(this.#pendingTimer);
    this.#pendingTimer = null;
    this.#pendingSteps = [];
    this.runId = runId;
    this.batchLosses = [];
    this.evaluations = [];
    this.markers = [];
    this.divergence = null;
    this.step = 0;
    this.epoch = 0;
    this.trainAccuracy = null;
    this.examplesPerSecond = 0;
    this.learningRates = [];
    this.gradientNorm = null;
    this.deadRelu = [];
  }

  /** The current run as a PastRun (for overlays that include it). */
  get currentRun(): PastRun | null {
    if (!this.hyper || this.batchLosses.length === 0) return null;
    return { id: 0, label: `${this.#currentRunLabel ?? 'current run'} (now)`, hyper: this.hyper, evaluations: this.evaluations, batchLosses: this.batchLosses };
  }

  #closeClient(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#client?.terminate();
    this.#client = null;
  }

  #onEvent(event: SessionEvent): void {
    switch (event.kind) {
      case 'state':
        this.status = stateToStatus(event.state, this.status);
        break;
      case 'step':
        // Coalesce progress into at most a few page updates a second: each visible change costs
        // a composited frame, which on machines without a GPU is drawn in software and competes
        // with training for the CPU.
        this.#pendingSteps.push(event.progress);
        this.#pendingTimer ??= setTimeout(() => this.#applySteps(), this.#uiIntervalMs);
        break;
      case 'evaluate':
        this.#applySteps();
        this.evaluations = [...this.evaluations, event.evaluation];
        break;
      case 'diverged':
        this.#applySteps();
        this.divergence = event.report;
        this.step = event.report.restoredStep;
        this.batchLosses = this.batchLosses.filter((p) => p.step <= event.report.restoredStep);
        this.markers = [...this.markers, { step: event.report.restoredStep, epoch: this.epoch, label: 'diverged → restored' }];
        this.weightsVersion++;
        break;
      case 'hyperChange': {
        this.#applySteps();
        const label = Object.entries(event.change.changes)
          .map(([k, v]) => `${shortName(k)} ${typeof v === 'number' ? +v.toPrecision(3) : v}`)
          .join(', ');
        this.markers = [...this.markers, { step: event.change.step, epoch: this.epoch, label }];
        break;
      }
      case 'lrFinder':
        this.lrFinderProgress = event.done / event.total;
        break;
      case 'error':
        this.#applySteps();
        this.message = event.message;
        this.status = event.code === 'contextLost' ? 'error' : 'paused';
        break;
    }
  }

  #applySteps(): void {
    if (this.#pendingTimer) clearTimeout(this.#pendingTimer);
    this.#pendingTimer = null;
    if (this.#pendingSteps.length === 0) return;
    const steps = this.#pendingSteps;
    this.#pendingSteps = [];
    let points: LossPoint[] = [];
    let step = this.step;
    let epoch = this.epoch;
    for (const p of steps) {
      const perStep = (p.epoch - epoch) / Math.max(1, p.step - step);
      for (let i = 0; i < p.losses.length; i++) {
        const at = p.firstStep + i + 1;
        points.push({ step: at, epoch: epoch + perStep * (at - step), loss: p.losses[i] });
      }
      step = p.step;
      epoch = p.epoch;
    }
    points = compact([...this.batchLosses, ...points], this.#maxPoints);
    const last = steps[steps.length - 1];
    this.batchLosses = points;
    this.step = last.step;
    this.epoch = last.epoch;
    this.examplesPerSecond = last.examplesPerSecond;
    this.msPerStep = last.msPerStep;
    this.learningRate = last.learningRate;
    if (last.weights) this.weights = last.weights;
    this.learningRates = [...this.learningRates, ...steps.map((p) => ({ step: p.step, lr: p.learningRate }))].slice(-2000);
    const norm = steps.findLast((p) => p.gradientNorm !== undefined)?.gradientNorm;
    if (norm !== undefined) this.gradientNorm = norm;
    const dead = steps.findLast((p) => p.deadRelu !== undefined)?.deadRelu;
    if (dead) this.deadRelu = dead;
    const acc = steps.findLast((p) => p.trainAccuracy !== undefined)?.trainAccuracy;
    if (acc !== undefined) this.trainAccuracy = acc;
    this.weightsVersion++;
  }
}

function shortName(key: string): string {
  return ({ learningRate: 'lr', batchSize: 'batch', optimizer: 'opt', weightDecay: 'L2', l2: 'L2', l1: 'L1' } as Record<string, string>)[key] ?? key;
}

function stateToStatus(state: SessionState, current: TrainerStatus): TrainerStatus {
  switch (state) {
    case 'idle':
      return 'ready';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'done':
      return 'done';
    case 'diverged':
      return 'diverged';
    case 'disposed':
      return current;
  }
}
