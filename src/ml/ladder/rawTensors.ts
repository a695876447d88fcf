// Rung 1: raw tensors. We write the model (one matrix multiply), ask TensorFlow.js for the
// gradients of the loss, and take the SGD step ourselves.
import { tf } from '../tf';
import { CLASSES, PIXELS, type LadderRun } from './ladder';

export async function trainWithRawTensors({ batches, kernel, bias, learningRate }: LadderRun): Promise<number[]> {
  // The model's numbers: a weight for every (pixel, digit) pair, and a bias per digit.
  // (tidy frees the starting tensors; the variables keep their own copy)
  const w = tf.tidy(() => tf.variable(tf.tensor2d(kernel, [PIXELS, CLASSES])));
  const b = tf.tidy(() => tf.variable(tf.tensor1d(bias)));
  const losses: number[] = [];

  for (const batch of batches) {
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batch.xs, [batch.size, PIXELS]);
      const y = tf.tensor2d(batch.ys, [batch.size, CLASSES]);
      // The loss of this batch, and how it changes as each weight changes (its gradient).
      const { value, grads } = tf.variableGrads(() => {
        const scores = tf.add(tf.matMul(x, w), b);
        return tf.losses.softmaxCrossEntropy(y, scores);
      }, [w, b]);
      // The SGD step, by hand: move every weight a little against its gradient.
      w.assign(tf.sub(w, tf.mul(grads[w.name], learningRate)));
      b.assign(tf.sub(b, tf.mul(grads[b.name], learningRate)));
      return value;
    });
    losses.push((await loss.data())[0]);
    loss.dispose();
  }

  w.dispose();
  b.dispose();
  return losses;
}
