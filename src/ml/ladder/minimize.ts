// Rung 2: an optimizer takes the step. The same model and loss as rung 1; `optimizer.minimize`
// computes the gradients and applies the SGD update for us.
import { tf } from '../tf';
import { CLASSES, PIXELS, type LadderRun } from './ladder';

export async function trainWithMinimize({ batches, kernel, bias, learningRate }: LadderRun): Promise<number[]> {
  // (tidy frees the starting tensors; the variables keep their own copy)
  const w = tf.tidy(() => tf.variable(tf.tensor2d(kernel, [PIXELS, CLASSES])));
  const b = tf.tidy(() => tf.variable(tf.tensor1d(bias)));
  const optimizer = tf.train.sgd(learningRate);
  const losses: number[] = [];

  for (const batch of batches) {
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batch.xs, [batch.size, PIXELS]);
      const y = tf.tensor2d(batch.ys, [batch.size, CLASSES]);
      // One call: loss, gradients and the update. `true` hands the loss back to us.
      return optimizer.minimize(() => {
        const scores = tf.add(tf.matMul(x, w), b);
        return tf.losses.softmaxCrossEntropy(y, scores);
      }, true, [w, b])!;
    });
    losses.push((await loss.data())[0]);
    loss.dispose();
  }

  optimizer.dispose();
  w.dispose();
  b.dispose();
  return losses;
}
