import { tf } from '../tf';

/**
 * Softmax cross-entropy of integer labels and the batch accuracy in one pass over the logits, in
 * JavaScript, for backends whose tensors live in ordinary memory (see hostMemory.ts). tfjs builds
 * the same from about twenty kernels (one-hot labels, log-softmax, the weighted mean, its
 * gradient; arg-max, equal, cast and mean for the accuracy) on a batch×10 tensor (32×10 in lesson 1), where each
 * kernel's dispatch costs more than its arithmetic. The maths is tfjs's: the mean over the batch
 * of logsumexp(z) − z[label], whose gradient is (softmax(z) − one-hot) / batch; the accuracy
 * counts the first largest logit, as tf.argMax does (tests/ml/wasm/hostLoss.test.ts compares both).
 * The hostLoss part: trainStep.ts asks wasmPart('hostLoss').
 */
export function hostSoftmaxCrossEntropy(logits: tf.Tensor, labels: Int32Array, withAccuracy: boolean): { loss: tf.Scalar; accuracy: tf.Scalar | null } {
  const [rows, classes] = logits.shape as [number, number];
  if (logits.rank !== 2 || rows !== labels.length) throw new Error(`Expected ${labels.length} rows of logits, got shape [${logits.shape.join(', ')}].`);
  let correct = 0;
  const lossOf = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const values = (args[0] as tf.Tensor).dataSync();
    const gradient = new Float32Array(rows * classes);
    let total = 0;
    correct = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * classes;
      let max = values[row];
      let best = 0;
      for (let j = 1; j < classes; j++) {
        if (values[row + j] > max) {
          max = values[row + j];
          best = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp(values[row + j] - max);
      const logSum = max + Math.log(sum);
      const label = labels[i];
      total += logSum - values[row + label];
      if (best === label) correct++;
      for (let j = 0; j < classes; j++) gradient[row + j] = (Math.exp(values[row + j] - logSum) - (j === label ? 1 : 0)) / rows;
    }
    return { value: tf.scalar(total / rows), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor2d(gradient, [rows, classes])) };
  });
  const loss = lossOf(logits) as tf.Scalar;
  return { loss, accuracy: withAccuracy ? tf.scalar(correct / rows) : null };
}
