import { tf } from './tf';
import { buildModel, type ModelSpec } from './models';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from './optimizers';
import type { OptimizerName } from './hyperparams';
import type { TrainingData } from './TrainingSession';
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

export interface LrFinderOptions {
  spec: ModelSpec;
  data: TrainingData;
  optimizer: OptimizerName;
  batchSize: number;
  /** Start from these weights (the trainer's current model); fresh weights when omitted. */
  weights?: Float32Array[];
  minLr?: number;
  maxLr?: number;
  steps?: number;
  seed?: number;
  /** Called between batches so a worker stays responsive; may be async. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * The learning-rate range test (Smith 2015; fast.ai's lr_find): train a *copy* of the model for a
 * few hundred batches while the learning rate grows exponentially, record the loss, stop once it
 * explodes. The trainer's own model and optimizer are untouched.
 */
export async function findLearningRate(options: LrFinderOptions): Promise<LrFinderResult> {
  const { spec, data, batchSize } = options;
  const minLr = options.minLr ?? 1e-6;
  const maxLr = options.maxLr ?? 1;
  const steps = options.steps ?? 200;
  const model = buildModel(spec, data.inputShape, data.outputUnits, options.seed ?? 42);
  const optimizer = createOptimizer(options.optimizer, minLr);
  const random = createRng(options.seed ?? 7);
  const exampleSize = data.inputShape.reduce((a, b) => a * b, 1);
  const width = data.loss === 'meanSquaredError' ? data.outputUnits : 1;
  const learningRates: number[] = [];
  const losses: number[] = [];
  try {
    if (options.weights) {
      const tensors = model.getWeights().map((w, i) => tf.tensor(options.weights![i], w.shape));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const factor = Math.pow(maxLr / minLr, 1 / (steps - 1));
    let smoothed = 0;
    let best = Infinity;
    const size = Math.min(batchSize, data.train.count);
    for (let i = 0; i < steps; i++) {
      const lr = minLr * Math.pow(factor, i);
      setOptimizerLearningRate(optimizer, lr);
      const xs = new Float32Array(size * exampleSize);
      const ys = data.loss === 'softmaxCrossEntropy' ? new Int32Array(size) : new Float32Array(size * width);
      for (let k = 0; k < size; k++) {
        const j = Math.floor(random() * data.train.count);
        xs.set(data.train.x.subarray(j * exampleSize, (j + 1) * exampleSize), k * exampleSize);
        for (let c = 0; c < width; c++) ys[k * width + c] = data.train.y[j * width + c];
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor(xs, [size, ...data.inputShape]);
        const y =
          data.loss === 'softmaxCrossEntropy'
            ? tf.oneHot(tf.tensor1d(ys as Int32Array, 'int32'), data.outputUnits)
            : tf.tensor2d(ys, [size, width]);
        const { value, grads } = tf.variableGrads(() => {
          const out = model.apply(x, { training: true }) as tf.Tensor;
          if (data.loss === 'softmaxCrossEntropy') return tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;
          if (data.loss === 'sigmoidCrossEntropy') return tf.losses.sigmoidCrossEntropy(y, out) as tf.Scalar;
          return tf.losses.meanSquaredError(y, out) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(grads);
        return value;
      });
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
