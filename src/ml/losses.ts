// The maths that depends on the kind of loss: how targets become tensors, the loss itself, the
// accuracy, what a prediction is, and the weight penalties added to the loss. Outputs are raw
// scores (logits) for classification and values for regression.
import { tf, tfl } from './tf';
import type { LossKind } from './trainingTypes';

/** The target tensor for a batch: one-hot rows (softmax), a 0/1 column (sigmoid) or values (MSE). */
export function targetTensor(loss: LossKind, ys: Float32Array | Int32Array, size: number, outputUnits: number): tf.Tensor {
  switch (loss) {
    case 'softmaxCrossEntropy':
      return tf.oneHot(tf.tensor1d(ys as Int32Array, 'int32'), outputUnits);
    case 'sigmoidCrossEntropy':
      return tf.tensor2d(ys, [size, 1]);
    case 'meanSquaredError':
      return tf.tensor2d(ys, [size, outputUnits]);
  }
}

/** Mean loss over the batch. */
export function meanLoss(loss: LossKind, output: tf.Tensor, y: tf.Tensor): tf.Scalar {
  switch (loss) {
    case 'softmaxCrossEntropy':
      return tf.losses.softmaxCrossEntropy(y, output) as tf.Scalar;
    case 'sigmoidCrossEntropy':
      return tf.losses.sigmoidCrossEntropy(y, output) as tf.Scalar;
    case 'meanSquaredError':
      return tf.losses.meanSquaredError(y, output) as tf.Scalar;
  }
}

/** Share of correctly classified examples; null for regression. */
export function accuracy(loss: LossKind, output: tf.Tensor, y: tf.Tensor): tf.Scalar | null {
  switch (loss) {
    case 'softmaxCrossEntropy':
      return tf.mean(tf.cast(tf.equal(tf.argMax(output, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar;
    case 'sigmoidCrossEntropy':
      return tf.mean(tf.cast(tf.equal(tf.greater(output, 0), tf.greater(y, 0.5)), 'float32')) as tf.Scalar;
    case 'meanSquaredError':
      return null;
  }
}

/** Class probabilities (softmax, sigmoid) or the raw values (regression). */
export function outputToPrediction(loss: LossKind, output: tf.Tensor): tf.Tensor {
  switch (loss) {
    case 'softmaxCrossEntropy':
      return tf.softmax(output);
    case 'sigmoidCrossEntropy':
      return tf.sigmoid(output);
    case 'meanSquaredError':
      return output;
  }
}

/** The predicted class of each example (int32); classification only. */
export function predictedClasses(loss: Exclude<LossKind, 'meanSquaredError'>, output: tf.Tensor): tf.Tensor {
  return loss === 'softmaxCrossEntropy' ? tf.argMax(output, 1) : tf.cast(tf.greater(tf.reshape(output, [-1]), 0), 'int32');
}

/** The L1 and L2 penalties on the model's kernels. */
export function regularization(model: tfl.LayersModel, l1: number, l2: number): tf.Scalar {
  if (l1 === 0 && l2 === 0) return tf.scalar(0);
  // Penalise the kernels only, as Keras does: biases shift, they do not overfit.
  const kernels = model.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => w.read());
  let total: tf.Scalar = tf.scalar(0);
  for (const w of kernels) {
    if (l2 > 0) total = tf.add(total, tf.mul(l2, tf.sum(tf.square(w)))) as tf.Scalar;
    if (l1 > 0) total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(w)))) as tf.Scalar;
  }
  return total;
}
