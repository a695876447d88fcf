import { tf } from '../ml/tf';

/**
 * Milliseconds per training-like step on the active backend, what the automatic backend choice
 * compares: the forward and backward pass of lesson 1's CNN (its two conv → pool pairs and a
 * product to 10 outputs, without biases) on a test batch of 64 random images. Lesson 1 trains on
 * batches of 32; the choice only compares backends on this same step. The first runs compile
 * shaders and warm caches; the median of the next five counts.
 */
export async function measureTrainingStep(): Promise<number> {
  const x = tf.randomUniform([64, 28, 28, 1]) as tf.Tensor4D;
  const f1 = tf.randomNormal([5, 5, 1, 8], 0, 0.2) as tf.Tensor4D;
  const f2 = tf.randomNormal([5, 5, 8, 16], 0, 0.1) as tf.Tensor4D;
  const w = tf.randomNormal([256, 10], 0, 0.1) as tf.Tensor2D;
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.tidy(() => {
      const h1 = tf.maxPool(tf.relu(tf.conv2d(x, a as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      const h2 = tf.maxPool(tf.relu(tf.conv2d(h1, b as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      return tf.mean(tf.square(tf.matMul(tf.reshape(h2, [64, 256]), c as tf.Tensor2D)));
    }) as tf.Scalar;
  const run = async () => {
    const grads = tf.grads(loss)([f1, f2, w]);
    const sum = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(g))));
    await sum.data();
    tf.dispose([...grads, sum]);
  };
  try {
    await run();
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return times.sort((p, q) => p - q)[2];
  } finally {
    tf.dispose([x, f1, f2, w]);
  }
}
