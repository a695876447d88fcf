import { tf, tfl } from './tf';
import { accuracy, meanLoss, regularization, targetTensor } from './losses';
import { gradientNorm } from './probes';
import { gatherBatch, targetWidth } from './examples';
import type { TrainingData } from './trainingTypes';
import { hasTrainingBlocks, hostSoftmaxCrossEntropy, trainingForward, wasmPart } from './wasm';

export interface StepOptions {
  /** Weight penalties added to the loss. */
  l1?: number;
  l2?: number;
  /** Keep the batch accuracy (classification). */
  withAccuracy?: boolean;
  /** Keep the global gradient norm (the health view). */
  withGradientNorm?: boolean;
}

/** What one step leaves on the device, for the caller to read back later and dispose. */
export interface StepResult {
  /** The batch loss, measured before the update. */
  loss: tf.Scalar;
  accuracy?: tf.Scalar;
  gradientNorm?: tf.Scalar;
}

/**
 * The model's output in training mode. With the convBlocks part (on wasm), conv → pool pairs and
 * dense ReLU layers run as fused blocks with their own gradient: the same maths in fewer, faster kernels.
 */
export function forwardForTraining(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  return wasmPart('convBlocks') && hasTrainingBlocks(model) ? trainingForward(model, x) : (model.apply(x, { training: true }) as tf.Tensor);
}

/**
 * One optimizer step on one batch: forward pass in training mode, loss (plus penalties),
 * gradients, update. A custom step rather than `model.fit`: as fast on WebGL, faster on wasm,
 * and it gives clean pause / step / stop.
 */
export function trainStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  data: TrainingData,
  batch: { xs: Float32Array; ys: Float32Array | Int32Array },
  options: StepOptions = {},
): StepResult {
  const { l1 = 0, l2 = 0 } = options;
  const size = batch.ys.length / targetWidth(data);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kept: Omit<StepResult, 'loss'> = {};
  // Integer labels with the hostLoss part (wasm, cpu): the loss and accuracy in one JavaScript pass.
  const labels = data.loss === 'softmaxCrossEntropy' && batch.ys instanceof Int32Array && wasmPart('hostLoss') ? batch.ys : null;
  const loss = tf.tidy(() => {
    const x = tf.tensor(batch.xs, [size, ...data.inputShape]);
    const y = labels ? null : targetTensor(data.loss, batch.ys, size, data.outputUnits);
    const { value, grads } = tf.variableGrads(() => {
      const output = forwardForTraining(model, x);
      const measured = labels ? hostSoftmaxCrossEntropy(output, labels, options.withAccuracy === true) : { loss: meanLoss(data.loss, output, y!), accuracy: options.withAccuracy ? accuracy(data.loss, output, y!) : null };
      if (measured.accuracy) kept.accuracy = tf.keep(measured.accuracy);
      return tf.add(measured.loss, regularization(model, l1, l2)) as tf.Scalar;
    }, variables);
    if (options.withGradientNorm) kept.gradientNorm = tf.keep(gradientNorm(grads));
    optimizer.applyGradients(grads);
    return value;
  });
  return { loss, ...kept };
}

/**
 * Runs the forward and backward pass of one batch and throws the result away: the weights and
 * the optimizer are untouched. The first pass on a backend sets up its kernels (XNNPACK
 * operators on wasm, shader programs on WebGL and WebGPU); doing it while the learner reads
 * makes the first real step after Train as fast as the rest.
 */
export async function warmUp(model: tfl.LayersModel, data: TrainingData, batchSize: number): Promise<void> {
  const count = Math.min(batchSize, data.train.count);
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  const batch = gatherBatch(data, data.train, indices);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const total = tf.tidy(() => {
    const x = tf.tensor(batch.xs, [count, ...data.inputShape]);
    const y = targetTensor(data.loss, batch.ys, count, data.outputUnits);
    const { value, grads } = tf.variableGrads(() => meanLoss(data.loss, forwardForTraining(model, x), y), variables);
    return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
  });
  try {
    await total.data(); // wait for the device, so the work is really done
  } finally {
    total.dispose();
  }
}
