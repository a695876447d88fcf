// The line fitter's settings, the training task it sends to the worker, and the checks behind its
// exercises. Pure (no tfjs, no DOM), so the page can use it without loading TensorFlow.js.
import { defaults, type Schema, type Values } from './schema';
import { PACE_SCHEMA, TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import type { ModelSpec } from './modelSpec';
import type { DivergenceReport, TrainingData } from './trainingTypes';
import { leastSquaresLine, meanSquaredError } from './leastSquares';
import type { Points1D } from './toyData';

export const LINE_FITTER_MODES = new Map([
  ['hand', 'Sliders only'],
  ['descent', 'Gradient descent only'],
  ['both', 'Sliders, then gradient descent'],
]);

/** Most points the widget takes: gradient descent here is full-batch, and a batch holds at most 1,024. */
export const MAX_POINTS = 1000;
export const MIN_POINTS = 2;

/** Every setting of the line fitter, described once: the lesson's props and the controls are checked against it. */
export const LINE_FITTER_SCHEMA = {
  learningRate: { ...TRAINING_SCHEMA.learningRate, min: 1e-4, max: 10, default: 0.1 },
  // The worker's pace limit, but never full speed: the learner should see each step.
  stepsPerSecond: { ...PACE_SCHEMA.stepsPerSecond, min: 1, default: 20, integer: true, help: 'Slow enough to watch each step.' },
  slope: { kind: 'number', label: 'Slope of the data', min: -10, max: 10, default: 2, help: 'The line the points are drawn around.' },
  intercept: { kind: 'number', label: 'Intercept of the data', min: -10, max: 10, default: -0.5 },
  noise: { kind: 'number', label: 'Noise', min: 0, max: 2, default: 0.15, help: 'How far the points scatter from the line.' },
  count: { kind: 'number', label: 'Points', min: MIN_POINTS, max: MAX_POINTS, default: 30, integer: true },
  seed: { kind: 'number', label: 'Random seed', min: 0, max: 1_000_000, default: 1, integer: true },
  startSlope: { kind: 'number', label: 'Starting slope', min: -10, max: 10, default: 0 },
  startIntercept: { kind: 'number', label: 'Starting intercept', min: -10, max: 10, default: 0 },
  mode: { kind: 'enum', label: 'Mode', options: LINE_FITTER_MODES, default: 'both' },
} satisfies Schema;

export type LineFitterSettings = Values<typeof LINE_FITTER_SCHEMA>;

/**
 * The widget's own goals when a lesson sets none: the error to reach by hand, and the steps in
 * which gradient descent counts as fast. A lesson's exercise checks (its frontmatter) override them.
 */
export const HAND_FIT_TARGET = 0.05;
export const FAST_STEPS = 50;
/** "Converged": the MSE is within 1 % of the least-squares optimum. */
export const CONVERGED_TOLERANCE = 0.01;

/** No hidden layers: the output layer alone is y = m·x + b, with weights [kernel [[m]], bias [b]]. */
export const LINE_SPEC: ModelSpec = { layers: [] };

export interface Line {
  slope: number;
  intercept: number;
}

/** The points as the worker's training task: one input, one output, mean squared error. */
export function lineTrainingData(points: Points1D): TrainingData {
  const count = points.x.length;
  return {
    inputShape: [1],
    outputUnits: 1,
    loss: 'meanSquaredError',
    train: { x: Float32Array.from(points.x), y: Float32Array.from(points.y), count },
  };
}

/** Plain full-batch gradient descent: every step sees every point. */
export function lineHyperparams(learningRate: number, count: number): Hyperparams {
  return { ...defaults(TRAINING_SCHEMA), learningRate, batchSize: Math.max(1, count), optimizer: 'sgd', epochs: 0, schedule: 'constant', l1: 0, l2: 0, dropout: 0 };
}

export function lineToWeights({ slope, intercept }: Line): Float32Array[] {
  return [Float32Array.of(slope), Float32Array.of(intercept)];
}

/** Reads (m, b) from the model's weights; null when they are not a 1→1 dense layer's. */
export function lineFromWeights(weights: ArrayLike<number>[] | null | undefined): Line | null {
  if (!weights || weights.length !== 2 || weights[0].length !== 1 || weights[1].length !== 1) return null;
  return { slope: weights[0][0], intercept: weights[1][0] };
}

/** The lowest mean squared error any straight line reaches on these points, and that line. */
export function bestLine(points: Points1D): { line: Line; mse: number } {
  const line = leastSquaresLine(points);
  return { line, mse: meanSquaredError(points, line.slope, line.intercept) };
}

/** Within 1 % of the optimum (plus a hair, so noise-free data, whose optimum is 0, can converge in float32). */
export function isConverged(mse: number, optimumMse: number): boolean {
  return Number.isFinite(mse) && mse <= optimumMse * (1 + CONVERGED_TOLERANCE) + 1e-6;
}

/**
 * The verdict on one gradient-descent run at a given step: `fast` when it reached the best line
 * in under FAST_STEPS steps from a start that was not already there, `slow` when it got there
 * later, `started` when the start was already the best line (nothing to learn from), `not-yet`.
 */
export function convergenceVerdict(startMse: number, mse: number, optimumMse: number, step: number): 'fast' | 'slow' | 'started' | 'not-yet' {
  if (isConverged(startMse, optimumMse)) return 'started';
  if (!isConverged(mse, optimumMse)) return 'not-yet';
  return step < FAST_STEPS ? 'fast' : 'slow';
}

/**
 * Half the width of the square (m, b) window the sliders and the loss landscape span, centred on
 * 0: wide enough to show the best line and the start with room around them. Both axes share one
 * scale so the landscape's geometry is true (gradient descent crosses its contours at right angles).
 */
export function parameterHalfRange(best: Line, start: Line = { slope: 0, intercept: 0 }): number {
  const furthest = Math.max(Math.abs(best.slope), Math.abs(best.intercept), Math.abs(start.slope), Math.abs(start.intercept));
  if (!Number.isFinite(furthest)) return 3;
  return Math.max(3, Math.ceil(1.5 * furthest + 1));
}

/** A loss for display: four significant figures, exponent form when very large or small. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'not a number' : 'infinite';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-4)) return value.toExponential(2);
  return value.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * The learning rate above which full-batch gradient descent on these points blows up. The MSE is a
 * bowl whose curvature is the Hessian H = 2·[[mean x², mean x], [mean x, 1]]; a step of size lr
 * shrinks the error along each direction by (1 − lr·λ), so it overshoots without bound once
 * lr > 2 / λmax.
 */
export function stableLearningRateLimit(points: Points1D): number {
  const n = points.x.length;
  if (n === 0) return Infinity;
  let sx = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sx += points.x[i];
    sxx += points.x[i] * points.x[i];
  }
  const a = sxx / n;
  const c = sx / n;
  const lambdaMax = 2 * ((a + 1) / 2 + Math.sqrt(((a - 1) / 2) ** 2 + c * c));
  return 2 / lambdaMax;
}

function roundDown(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return value;
  const power = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.floor(value / power) * power;
}

/** What happened and what to try, in the line fitter's terms. */
export function explainDivergence(report: DivergenceReport, limit: number): string {
  const lr = +report.learningRate.toPrecision(3);
  const what =
    report.reason === 'nonFinite' || report.loss === null
      ? `At step ${report.step} the loss stopped being a number at all.`
      : `At step ${report.step} the loss jumped to ${formatLoss(report.loss)}, from ${formatLoss(report.firstLoss)} at the start.`;
  const why = `With a learning rate of ${lr}, each step overshoots the bottom of the valley and lands higher up the other side, so every step makes the line worse and the numbers grow without bound.`;
  const where = `Training is paused and the line from step ${report.restoredStep} is kept.`;
  const bound = Number.isFinite(limit) ? ` (for these points, anything above about ${formatLoss(roundDown(limit))} diverges)` : '';
  return `${what} ${why} ${where} Try a smaller learning rate${bound} and press Play, or press Reset to start again from the first line.`;
}

/** "1 step", "12 steps". */
export function stepCount(steps: number): string {
  return `${steps} ${steps === 1 ? 'step' : 'steps'}`;
}
