// Looking inside a model without training it: the health view's gradient norm and dead ReLUs,
// and the hidden units a page draws.
import { tf, tfl } from './tf';
import { exampleSize } from './examples';
import type { DeadReluFraction, Examples, HiddenActivations } from './trainingTypes';

/** The global L2 norm of all gradients of one step. */
export function gradientNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/**
 * For each ReLU layer, the share of its units that stay at zero for every example of a probe
 * batch (the first `probeSize` examples of `set`): "dead" units that no longer learn.
 */
export async function deadReluFractions(model: tfl.LayersModel, inputShape: number[], set: Examples, probeSize = 64): Promise<DeadReluFraction[]> {
  const n = Math.min(probeSize, set.count);
  const names: string[] = [];
  const fractions = tf.tidy(() => {
    let x: tf.Tensor = tf.tensor(set.x.subarray(0, n * exampleSize(inputShape)), [n, ...inputShape]);
    const parts: tf.Tensor[] = [];
    model.layers.forEach((layer, i) => {
      x = layer.apply(x) as tf.Tensor;
      const config = layer.getConfig() as { activation?: string };
      if (config.activation === 'relu') {
        names.push(`${i + 1}: ${layer.getClassName()}`);
        const alive = tf.cast(tf.any(tf.greater(tf.reshape(x, [n, -1]), 0), 0), 'float32');
        parts.push(tf.sub(1, tf.mean(alive)));
      }
    });
    return parts.length ? tf.stack(parts) : tf.zeros([0]);
  });
  const values = await fractions.data();
  fractions.dispose();
  return names.map((layer, i) => ({ layer, fraction: values[i] }));
}

/**
 * What the last hidden layer outputs for `count` examples (count × units, row-major), with the
 * output layer's kernel (units × outputUnits) and bias, so that output = values · kernel + bias:
 * a page can draw how each hidden unit adds to the result. Null when there is no hidden layer.
 */
export async function hiddenActivations(model: tfl.LayersModel, inputShape: number[], x: Float32Array, count: number): Promise<HiddenActivations | null> {
  const layers = model.layers;
  if (layers.length < 2) return null;
  const hidden = tf.tidy(() => {
    let h: tf.Tensor = tf.tensor(x, [count, ...inputShape]);
    for (const layer of layers.slice(0, -1)) h = layer.apply(h) as tf.Tensor;
    return tf.reshape(h, [count, -1]);
  });
  // The output layer's variables themselves (read, not copied): nothing to dispose.
  const [kernel, bias] = layers[layers.length - 1].getWeights();
  try {
    const [values, outputKernel, outputBias] = await Promise.all([hidden.data(), kernel.data(), bias.data()]);
    // Copies: on the cpu backend data() hands out the variables' own storage, and a worker may transfer the reply.
    return { values: values as Float32Array, units: hidden.shape[1]!, outputKernel: Float32Array.from(outputKernel), outputBias: Float32Array.from(outputBias) };
  } finally {
    hidden.dispose();
  }
}

/** The health view's switch, and its pacing: dead-ReLU readings at most once a second. */
export class HealthView {
  on = false;
  #lastDeadRelu = -Infinity;

  /** Whether a dead-ReLU reading is due now (the view is on, a second has passed); marks it taken. */
  deadReluDue(now = performance.now()): boolean {
    if (!this.on || now - this.#lastDeadRelu <= 1000) return false;
    this.#lastDeadRelu = now;
    return true;
  }
}
