// Rung 3: a Layers model. A Dense layer holds the weights, `compile` picks the loss and the
// optimizer, and `model.fit` runs the whole loop: batches, gradients, updates.
import { tf, tfl } from '../tf';
import { CLASSES, PIXELS, type LadderRun } from './ladder';

export async function trainWithFit({ batches, kernel, bias, learningRate }: LadderRun): Promise<number[]> {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [PIXELS], units: CLASSES, activation: 'softmax' })],
  });
  // Start from the same weights as the other rungs (setWeights copies them).
  const start = [tf.tensor2d(kernel, [PIXELS, CLASSES]), tf.tensor1d(bias)];
  model.setWeights(start);
  tf.dispose(start);
  const optimizer = tf.train.sgd(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });

  // The same batches in the same order: stacked, cut back into batches by fit, not shuffled.
  const xs = tf.tidy(() => tf.concat(batches.map((batch) => tf.tensor2d(batch.xs, [batch.size, PIXELS]))));
  const ys = tf.tidy(() => tf.concat(batches.map((batch) => tf.tensor2d(batch.ys, [batch.size, CLASSES]))));
  const losses: number[] = [];
  await model.fit(xs, ys, {
    batchSize: batches[0].size,
    epochs: 1,
    shuffle: false,
    callbacks: { onBatchEnd: async (_batch, logs) => void losses.push(logs!.loss) },
  });

  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return losses;
}
