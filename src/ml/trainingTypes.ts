// The shapes that cross between the training loop, the worker and the page: data in, progress,
// evaluations and divergence reports out. Types only, so the page can import them without
// pulling in the loop (or TensorFlow.js).
import type { Hyperparams } from './hyperparams';
import type { ModelSpec } from './modelSpec';

export type LossKind = 'softmaxCrossEntropy' | 'sigmoidCrossEntropy' | 'meanSquaredError';

export interface Examples {
  /** count × prod(inputShape) floats, row-major. */
  x: Float32Array;
  /** Class indices (softmax), 0/1 targets (sigmoid) or count × outputUnits targets (MSE). */
  y: Float32Array | Int32Array;
  count: number;
}

export interface TrainingData {
  inputShape: number[];
  outputUnits: number;
  loss: LossKind;
  train: Examples;
  validation?: Examples;
}

export type SessionState = 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'disposed';

export interface DeadReluFraction {
  layer: string;
  fraction: number;
}

export interface StepProgress {
  /** Steps (batches) trained since reset, after this report. */
  step: number;
  /** Fractional epoch. */
  epoch: number;
  /** The batch losses since the last report, oldest first; the first is for step `firstStep`. */
  losses: number[];
  firstStep: number;
  trainAccuracy?: number;
  examplesPerSecond: number;
  msPerStep: number;
  /** In the first report after Train: milliseconds from the train request to the first step's start. */
  msToFirstStep?: number;
  learningRate: number;
  gradientNorm?: number;
  /** Share of ReLU units that output zero for every example of a probe batch, per layer (health view). */
  deadRelu?: DeadReluFraction[];
  /** The model's weights after this report's last step (only with `reportWeights`, for tiny models). */
  weights?: number[][];
}

export interface Evaluation {
  step: number;
  epoch: number;
  /** Full-pass loss on the training set when it is small; otherwise the running mean since the last evaluation. */
  trainLoss: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Predicted class of every validation example (classification only). */
  predictions?: Uint8Array;
  endOfEpoch: boolean;
  /** How long training waited for the evaluation passes, in ms. */
  durationMs?: number;
  /** How long the passes took on another thread while training went on (a `ValidationEvaluator`), in ms. */
  offThreadMs?: number;
  /** A warning about the run that does not stop it (the held-out loss jumping around). */
  notice?: string;
}

export type DivergenceReason = 'nonFinite' | 'runaway' | 'collapse';

export interface DivergenceReport {
  step: number;
  reason: DivergenceReason;
  loss: number | null;
  firstLoss: number;
  learningRate: number;
  message: string;
  /** The step whose weights were restored. */
  restoredStep: number;
  /** For a collapse: the accuracy of guessing (1 / classes). */
  chance?: number;
}

/** A restored model that scores no better than guessing: training on from it would collapse again. */
export const AT_CHANCE_MARGIN = 0.05;

/**
 * After a collapse, the evaluation of the restored weights when they are no better than guessing
 * (within AT_CHANCE_MARGIN of chance), else null: then only a fresh start helps.
 */
export function deadAfterCollapse(report: DivergenceReport, evaluations: readonly Evaluation[]): Evaluation | null {
  if (report.reason !== 'collapse' || report.chance === undefined) return null;
  const restored = evaluations.findLast((e) => e.step === report.restoredStep && e.valAccuracy !== undefined);
  return restored && restored.valAccuracy! <= report.chance + AT_CHANCE_MARGIN ? restored : null;
}

/** The last hidden layer's outputs and the output layer's weights (see `TrainingSession.hiddenActivations`). */
export interface HiddenActivations {
  /** count × units values, row-major. */
  values: Float32Array;
  units: number;
  /** units × outputUnits, row-major. */
  outputKernel: Float32Array;
  outputBias: Float32Array;
}

export interface HyperChange {
  step: number;
  changes: Partial<Hyperparams>;
}

export interface SessionCallbacks {
  onStateChange?(state: SessionState): void;
  onStep?(progress: StepProgress): void;
  onEvaluate?(evaluation: Evaluation): void;
  onDiverged?(report: DivergenceReport): void;
  onHyperChange?(change: HyperChange): void;
  onError?(error: Error): void;
}

/** What a `TrainingSession` is built from. */
/** Where a run goes on from: the step and epoch count of an earlier session (a backend switch, a saved model). */
export interface ResumePoint {
  step: number;
  epochsDone: number;
  epochProgress?: number;
  targetEpochs?: number;
  runStart?: number;
}

/**
 * How a run is measured and paced: what a widget chooses once for all its runs. Declared here once;
 * the worker protocol sends it as it is and the handler passes it to the session unchanged.
 */
export interface SessionTuning {
  seed?: number;
  /** Evaluations per epoch (the last one is at the epoch's end). */
  evaluationsPerEpoch?: number;
  /**
   * Evaluate the whole training set (small toy data), or its first N examples (a fixed sample of a
   * large set), instead of reporting a running mean.
   */
  evaluateTrainingSet?: boolean | number;
  reportPredictions?: boolean;
  /** Send the weights with every report (tiny models whose parameters the page draws). */
  reportWeights?: boolean;
  /** Slow training down to at most this many steps a second, so a learner can watch each step (checked against PACE_SCHEMA; 0 = full speed). */
  stepsPerSecond?: number;
  /**
   * Evaluate at most this often, in ms (0 = at every due point). Tiny toy sets end an epoch every
   * few milliseconds; this keeps evaluations (and the page updates they cause) to a few a second.
   * Pausing evaluates once more, so the last figures shown match the paused model.
   */
  evaluationIntervalMs?: number;
  /** The largest share of the time evaluations may take (e.g. 0.05); they are spaced out to fit. */
  evaluationBudget?: number;
  /**
   * While playing, evaluate every this many steps instead of `evaluationsPerEpoch` times an epoch
   * (further apart on long runs: see EvaluationSchedule). For tiny toy sets, whose chart's x axis
   * is the step; Step still evaluates as `evaluationsPerEpoch` says.
   */
  evaluationSteps?: number;
  /** Evaluate in the training worker even where another thread could (the benchmark compares the two); read by the worker, not the session. */
  inLineEvaluation?: boolean;
}

export interface SessionOptions extends Omit<SessionTuning, 'inLineEvaluation'> {
  spec: ModelSpec;
  data: TrainingData;
  /** Checked against TRAINING_SCHEMA by the session (missing keys take its defaults). */
  hyper: Hyperparams;
  callbacks?: SessionCallbacks;
  /** Read losses back from the device after this many batches… */
  readEvery?: number;
  /** …or after this many milliseconds, whichever comes first. */
  readIntervalMs?: number;
  /** A loss above this multiple of the first loss counts as runaway. */
  runawayFactor?: number;
  /** Continue the step and epoch count of an earlier session (after a backend switch). */
  resume?: ResumePoint;
  /**
   * Evaluates on the validation set on another thread while training goes on (see
   * backgroundEvaluations.ts). Used only when the training set itself is not evaluated.
   */
  validationEvaluator?: ValidationEvaluator;
  /**
   * The clock the session reads, in ms (by default performance.now): when to read losses back,
   * when an evaluation is due, the speed shown. Tests pass one they move by hand.
   */
  now?: () => number;
}

/** Where a run's data comes from: the MNIST asset (a subset of it), or arrays sent with the request. */
export type TaskSpec =
  | { kind: 'mnist'; url: string; validationCount?: number; trainCount?: number; seed?: number }
  | { kind: 'arrays'; data: TrainingData };

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

/** The validation pass of an evaluation, run elsewhere (another worker) on a copy of the weights. */
export interface ValidationEvaluator {
  /** Loss, accuracy (classification) and, when asked, each example's predicted class, for these weights (the model's, in order). */
  evaluate(
    weights: Float32Array[],
    withPredictions: boolean,
  ): Promise<{ loss: number; accuracy?: number; predictions?: Uint8Array; durationMs: number }>;
  /** The session is done with it. */
  release?(): void;
}
