import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { hostSoftmaxCrossEntropy } from '../../../src/ml/wasm/hostLoss';
import { accuracy, meanLoss } from '../../../src/ml/losses';
import { useCpu, useWasm } from '../helpers';

beforeAll(useCpu);

/** Loss, accuracy and the gradient with respect to the logits, from `measure`. */
function measured(logits: Float32Array, labels: Int32Array, classes: number, measure: (z: tf.Tensor) => { loss: tf.Scalar; accuracy: tf.Scalar | null }) {
  const before = tf.memory().numTensors;
  const initial = tf.tensor2d(logits, [labels.length, classes]);
  const z = tf.variable(initial);
  initial.dispose();
  let acc = 0;
  const { value, grads } = tf.variableGrads(() => {
    const m = measure(z);
    acc = m.accuracy!.dataSync()[0];
    return tf.mul(m.loss, 3) as tf.Scalar; // a factor, so the gradient's dy is not 1
  }, [z]);
  const out = { loss: value.dataSync()[0] / 3, accuracy: acc, gradient: grads[z.name].dataSync().slice() as Float32Array };
  tf.dispose([z, value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('hostSoftmaxCrossEntropy', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives tfjs's softmax cross-entropy, its gradient and the batch accuracy on ${backend}, ties and large logits included`, async () => {
      if (backend === 'wasm') await useWasm();
      try {
        const rows = 37;
        const classes = 10;
        const logits = tf.randomNormal([rows, classes], 0, 4, 'float32', 7).dataSync().slice() as Float32Array;
        logits.set([5, 5, 5, 1, 0, 0, 0, 0, 0, 0], 0); // a tie: the first largest counts, as in tf.argMax
        logits.set([80, -60, 75, 0, 0, 0, 0, 0, 0, 0], classes); // exp would overflow without the max taken out
        const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % classes);
        labels[0] = 0; // right only if the first of the tied logits counts
        const ours = measured(logits, labels, classes, (z) => hostSoftmaxCrossEntropy(z, labels, true));
        const theirs = measured(logits, labels, classes, (z) => {
          const y = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
          return { loss: meanLoss('softmaxCrossEntropy', z, y), accuracy: accuracy('softmaxCrossEntropy', z, y) };
        });
        expect(ours.loss).toBeCloseTo(theirs.loss, 4);
        expect(ours.accuracy).toBe(theirs.accuracy);
        expect(ours.accuracy).toBeGreaterThan(0);
        const worst = ours.gradient.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs.gradient[i])), 0);
        expect(worst).toBeLessThan(1e-6);
      } finally {
        await useCpu();
      }
    });
  }

  it('refuses logits that do not match the labels', () => {
    const z = tf.zeros([3, 10]);
    expect(() => hostSoftmaxCrossEntropy(z, new Int32Array(4), false)).toThrow(/Expected 4 rows/);
    z.dispose();
  });
});
