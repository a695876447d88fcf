import { buildModel } from './models';
import type { ModelSpec } from './modelSpec';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from './optimizers';
import type { OptimizerName } from './hyperparams';
import type { TrainingData } from './trainingTypes';
import { checkAll, type Schema } from './schema';
import { gatherBatch } from './examples';
import { trainStep } from './trainStep';
import { writeWeights } from './modelWeights';
import { createRng } from './random';

export interface LrFinderResult {
  learningRates: number[];
  /** Exponentially smoothed loss at each learning rate (as fast.ai plots it). */
  losses: number[];
  /** The suggested learning rate: where the smoothed loss falls fastest. */
  suggestion: number;
  /** Index of the suggestion in the arrays. */
  suggestionIndex: number;
}

/** The sweep's range and length; a request from the page is checked against this. */
export const LR_FINDER_SCHEMA = {
  steps: { kind: 'number', label: 'Steps of the sweep', min: 20, max: 500, default: 150, integer: true },
  minLr: { kind: 'number', label: 'Lowest learning rate', min: 1e-8, max: 1, default: 1e-6, log: true },
  maxLr: { kind: 'number', label: 'Highest learning rate', min: 1e-7, max: 100, default: 1, log: true },
} satisfies Schema;

export interface LrFinderOptions {
  spec: ModelSpec;
  data: TrainingData;
  optimizer: OptimizerName;
  batchSize: number;
  /** Start from these weights (the trainer's current model); fresh weights when omitted. */
  weights?: Float32Array[];
  /** The sweep (checked against LR_FINDER_SCHEMA; the highest rate is kept at least 10× the lowest). */
  minLr?: number;
  maxLr?: number;
  steps?: number;
  seed?: number;
  /** Called between batches so a worker stays responsive; may be async. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * The learning-rate range test (Smith 2015; fast.ai's lr_find): train a *copy* of the model for a
 * number of batches (150 by default) while the learning rate grows exponentially, record the loss, stop once it
 * explodes. The trainer's own model and optimizer are untouched.
 */
export async function findLearningRate(options: LrFinderOptions): Promise<LrFinderResult> {
  const { spec, data, batchSize } = options;
  const sweep = checkAll(LR_FINDER_SCHEMA, { steps: options.steps, minLr: options.minLr, maxLr: options.maxLr }).values;
  const { minLr, steps } = sweep;
  // A sweep narrower than one decade shows no curve worth reading.
  const maxLr = Math.max(sweep.maxLr, minLr * 10);
  const model = buildModel(spec, data.inputShape, data.outputUnits, options.seed ?? 42);
  const optimizer = createOptimizer(options.optimizer, minLr);
  const random = createRng(options.seed ?? 7);
  const learningRates: number[] = [];
  const losses: number[] = [];
  try {
    if (options.weights) writeWeights(model, options.weights);
    const factor = Math.pow(maxLr / minLr, 1 / (steps - 1));
    let smoothed = 0;
    let best = Infinity;
    const size = Math.min(batchSize, data.train.count);
    const indices = new Int32Array(size);
    for (let i = 0; i < steps; i++) {
      const lr = minLr * Math.pow(factor, i);
      setOptimizerLearningRate(optimizer, lr);
      for (let k = 0; k < size; k++) indices[k] = Math.floor(random() * data.train.count);
      const { loss } = trainStep(model, optimizer, data, gatherBatch(data, data.train, indices));
      const value = (await loss.data())[0];
      loss.dispose();
      if (!Number.isFinite(value)) break;
      // Exponential moving average with bias correction, as fast.ai smooths the curve.
      smoothed = 0.9 * smoothed + 0.1 * value;
      const debiased = smoothed / (1 - Math.pow(0.9, i + 1));
      learningRates.push(lr);
      losses.push(debiased);
      best = Math.min(best, losses[losses.length - 1]);
      if (i > 10 && losses[losses.length - 1] > 4 * best) break;
      await options.onProgress?.(i + 1, steps);
    }
  } finally {
    model.dispose();
    disposeOptimizer(optimizer);
  }
  const suggestionIndex = steepestDescent(learningRates, losses);
  return { learningRates, losses, suggestion: learningRates[suggestionIndex] ?? minLr, suggestionIndex };
}

/**
 * The point where the loss falls fastest against log(lr), searched before the loss minimum
 * (past it the curve is already turning up).
 */
export function steepestDescent(learningRates: number[], losses: number[]): number {
  if (losses.length < 3) return 0;
  let minIndex = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i] < losses[minIndex]) minIndex = i;
  let best = 0;
  let bestSlope = Infinity;
  // Slopes over a window of ~1/10 of the sweep, so one noisy batch does not win.
  const window = Math.max(3, Math.round(losses.length / 10));
  for (let i = window; i <= minIndex; i++) {
    const slope = (losses[i] - losses[i - window]) / (Math.log(learningRates[i]) - Math.log(learningRates[i - window]));
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i - Math.floor(window / 2);
    }
  }
  // No clear fall (a flat curve): a tenth of the rate at the lowest loss is the usual safe pick.
  if (bestSlope >= 0) {
    const target = learningRates[minIndex] / 10;
    let closest = 0;
    learningRates.forEach((lr, i) => {
      if (Math.abs(Math.log(lr / target)) < Math.abs(Math.log(learningRates[closest] / target))) closest = i;
    });
    return closest;
  }
  return best;
}
