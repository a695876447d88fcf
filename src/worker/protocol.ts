// The one message protocol between the page and the training worker. Each request `type`
// fixes its payload and its reply; every request carries an id; failures come back as
// structured error replies; progress flows back as events tagged with the run they belong to.
import type { Hyperparams } from '../ml/hyperparams';
import type { ModelSpec, ModelSummary } from '../ml/modelSpec';
import type { LrFinderResult } from '../ml/lrFinder';
import type { DivergenceReport, Evaluation, HyperChange, SessionState, StepProgress, TrainingData } from '../ml/trainingTypes';
import type { HiddenActivations } from '../ml/trainingTypes';
import type { FeatureMaps, Filters } from '../ml/featureMaps';
import type { PixelDistance } from '../ml/pixelSimilarity';
import type { LadderRungName, LadderSettings } from '../ml/ladder/ladder';
import type { TrainedSoFar } from '../ml/modelFormat';
import type { WasmParts } from '../ml/wasm/parts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** Why this backend, in the learner's words. */
  reason: string;
  renderer?: string;
  /** The WebGPU adapter, where the browser has one. */
  gpu?: string;
  /** Threads the backend computes on (wasm in a cross-origin isolated page may use several). */
  threads: number;
  /** wasm: which of Gradient Lab's speed-ups run (src/ml/wasm/parts.ts); all false is tfjs's own kernels. */
  wasmParts?: WasmParts;
  /** What the automatic choice measured: milliseconds per training-like test batch. */
  measured?: { backend: string; ms: number }[];
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
  /** The largest share of the time evaluations may take (e.g. 0.05): they are spaced out to fit. */
  evaluationBudget?: number;
  /** While playing, evaluate every this many steps (tiny toy sets: a chart over steps gets a steady density of points). */
  evaluationSteps?: number;
  /** Evaluate in the training worker even where another thread could (the benchmark compares the two). */
  inLineEvaluation?: boolean;
  seed?: number;
}

/** Request payload and reply for each request type. */
export interface Calls {
  /** `wasmParts` switches speed-ups off (each is on unless set false); all off is tfjs's plain path (the bench's comparison). */
  init: { request: { backend: BackendChoice; threads?: number; wasmParts?: Partial<WasmParts> }; reply: BackendInfo };
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
  /** Each conv and pooling layer's output for one example, and the model's probabilities for it. */
  featureMaps: { request: { x: Float32Array }; reply: FeatureMaps };
  /** The first conv layer's kernels (null for a model without one). */
  filters: { request: Empty; reply: Filters | null };
  validationImages: { request: { limit: number }; reply: { pixels: Uint8Array; labels: Uint8Array; count: number } };
  /** Lesson 6: each class's average digit (training split, 0–1) and the validation accuracy of the nearest average by each distance. */
  pixelBaseline: { request: Empty; reply: { averages: Float32Array; counts: Int32Array; accuracy: Record<PixelDistance, number>; trainCount: number; validationCount: number } };
  /** Lesson 6: the linear model trained by one rung of the abstraction ladder; each batch's loss. */
  ladderRung: { request: { rung: LadderRungName; settings: Partial<LadderSettings> }; reply: { losses: number[]; ms: number; settings: LadderSettings } };
  /** The model's class probabilities for every validation example (count × classes, row-major), in validationImages' order, with the labels. */
  validationProbabilities: { request: Empty; reply: { probabilities: Float32Array; labels: Uint8Array; count: number; classes: number } };
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
  // Keeping and sharing models (worker/modelFiles.ts). `epoch` is how far the page saw it trained.
  /** Stores the model in use in the browser (IndexedDB) under `key`. */
  saveModel: { request: { key: string; epoch: number }; reply: { step: number; params: number; bytes: number } };
  /** Replaces the model in use with a stored one, once it is checked; trains on with `hyper`. */
  loadSavedModel: { request: { key: string; hyper: Hyperparams }; reply: AdoptedModel };
  deleteSavedModel: { request: { key: string }; reply: { removed: boolean } };
  /** The model in use as TensorFlow.js layers-format files. */
  exportModel: { request: { epoch: number }; reply: { json: string; weights: Uint8Array } };
  /** Replaces the model in use with uploaded model.json + weights files, once they are checked. */
  importModel: { request: { files: File[]; hyper: Hyperparams }; reply: AdoptedModel };
  dispose: { request: Empty; reply: { numTensors: number } };
}

/** A stored or uploaded model, now the trainer's: its new run, spec, and its accuracy as loaded. */
export interface AdoptedModel {
  runId: number;
  summary: ModelSummary;
  spec: ModelSpec;
  evaluation: Evaluation;
  trained: TrainedSoFar | null;
}

/** A request with no payload beyond its type and id. */
export type Empty = Record<never, never>;

export type CallType = keyof Calls;

export type RequestMessage = {
  [K in CallType]: { type: K; id: number } & Calls[K]['request'];
}[CallType];

export type ErrorCode = 'badRequest' | 'noData' | 'noSession' | 'backend' | 'data' | 'internal' | 'storage' | 'badFile' | 'timeout';

export type SessionEvent =
  | { kind: 'state'; state: SessionState }
  | { kind: 'step'; progress: StepProgress }
  | { kind: 'evaluate'; evaluation: Evaluation }
  | { kind: 'diverged'; report: DivergenceReport }
  | { kind: 'hyperChange'; change: HyperChange }
  | { kind: 'lrFinder'; done: number; total: number }
  | { kind: 'download'; received: number; total: number }
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

/** The buffers a reply can hand over instead of copying: typed arrays that own their whole buffer. */
export function transferablesOf(result: unknown): Transferable[] {
  if (!result || typeof result !== 'object') return [];
  const out: Transferable[] = [];
  for (const value of Object.values(result)) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
      out.push(value.buffer);
    }
  }
  return out;
}
