// The one message protocol between the page and the training worker. Each request `type`
// fixes its payload and its reply; every request carries an id; failures come back as
// structured error replies; progress flows back as events tagged with the run they belong to.
import type { Hyperparams } from '../ml/hyperparams';
import type { ModelSpec, ModelSummary } from '../ml/modelSpec';
import type { LrFinderResult } from '../ml/lrFinder';
import type { DivergenceReport, Evaluation, HyperChange, SessionState, StepProgress, TrainingData } from '../ml/trainingTypes';
import type { HiddenActivations } from '../ml/trainingTypes';

export type BackendName = 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** Why this backend, in the learner's words. */
  reason: string;
  renderer?: string;
  /** Backends that were tried first and failed, with why. */
  failed: { name: BackendName; error: string }[];
}

export type TaskSpec =
  | { kind: 'mnist'; url: string; validationCount?: number; trainCount?: number; seed?: number }
  | { kind: 'arrays'; data: TrainingData };

export interface SessionTuning {
  evaluationsPerEpoch?: number;
  /** The whole training set, or (a number) its first examples: a fixed sample. */
  evaluateTrainingSet?: boolean | number;
  reportPredictions?: boolean;
  /** Send the weights with each progress report (tiny models only). */
  reportWeights?: boolean;
  /** Slow training to this many steps a second (0 = full speed). */
  stepsPerSecond?: number;
  /** Evaluate at most this often (tiny toy sets finish an epoch every few ms). */
  evaluationIntervalMs?: number;
  seed?: number;
}

/** Request payload and reply for each request type. */
export interface Calls {
  init: { request: { backend: BackendChoice }; reply: BackendInfo };
  load: { request: { task: TaskSpec }; reply: { trainCount: number; validationCount: number; inputShape: number[]; outputUnits: number } };
  configure: { request: { spec: ModelSpec; hyper: Hyperparams; tuning?: SessionTuning }; reply: { runId: number; summary: ModelSummary } };
  train: { request: Empty; reply: { state: SessionState } };
  pause: { request: Empty; reply: { state: SessionState; step: number } };
  step: { request: Empty; reply: { state: SessionState; step: number } };
  reset: { request: Empty; reply: { runId: number } };
  setHyper: { request: { values: Record<string, unknown> }; reply: { messages: string[]; hyper: Hyperparams; step: number } };
  predict: { request: { x: Float32Array; count: number }; reply: { values: Float32Array } };
  /** The last hidden layer's outputs and the output layer's weights (null without a hidden layer). */
  hiddenActivations: { request: { x: Float32Array; count: number }; reply: HiddenActivations | null };
  validationImages: { request: { limit: number }; reply: { pixels: Uint8Array; labels: Uint8Array; count: number } };
  /** A few training images, each with versions shifted and turned as augmentation does (see worker/augmentedSamples.ts). */
  augmentedSamples: { request: { count?: number; variants?: number; seed?: number }; reply: { pixels: Uint8Array; labels: Uint8Array; count: number; variants: number } };
  setHealth: { request: { on: boolean }; reply: { on: boolean } };
  findLearningRate: { request: { steps?: number; minLr?: number; maxLr?: number }; reply: LrFinderResult };
  weights: { request: Empty; reply: { values: Float32Array[] } };
  setWeights: { request: { values: Float32Array[] }; reply: { step: number } };
  setPace: { request: { stepsPerSecond: number }; reply: { stepsPerSecond: number } };
  switchBackend: { request: { backend: BackendChoice }; reply: BackendInfo };
  /** Fault injection for tests and demos: drops the WebGL context the way a GPU reset does. */
  simulateContextLoss: { request: Empty; reply: { lost: boolean } };
  memory: { request: Empty; reply: { numTensors: number; numBytes: number; backend: string } };
  dispose: { request: Empty; reply: { numTensors: number } };
}

/** A request with no payload beyond its type and id. */
export type Empty = Record<never, never>;

export type CallType = keyof Calls;

export type RequestMessage = {
  [K in CallType]: { type: K; id: number } & Calls[K]['request'];
}[CallType];

export type ErrorCode = 'badRequest' | 'noData' | 'noSession' | 'backend' | 'data' | 'internal';

export type SessionEvent =
  | { kind: 'state'; state: SessionState }
  | { kind: 'step'; progress: StepProgress }
  | { kind: 'evaluate'; evaluation: Evaluation }
  | { kind: 'diverged'; report: DivergenceReport }
  | { kind: 'hyperChange'; change: HyperChange }
  | { kind: 'lrFinder'; done: number; total: number }
  | { kind: 'error'; message: string; code: 'training' | 'contextLost' };

export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: { message: string; code: ErrorCode } }
  | { type: 'event'; runId: number; event: SessionEvent };

export class WorkerError extends Error {
  override name = 'WorkerError';
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
  }
}
