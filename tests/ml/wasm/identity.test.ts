import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { useCpu, useWasm } from '../helpers';

beforeAll(useWasm);
afterAll(useCpu);

describe('Identity on wasm (what tfjs runs to save tensors for gradients)', () => {
  it('shares the data instead of copying it, and frees it when the last holder is disposed', () => {
    const buffers = () => tf.backend().numDataIds();
    const before = { tensors: tf.memory().numTensors, buffers: buffers() };
    const original = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(original);
    expect(copy.dataId).toBe(original.dataId);
    expect(buffers()).toBe(before.buffers + 1);
    original.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    copy.dispose();
    expect({ tensors: tf.memory().numTensors, buffers: buffers() }).toEqual(before);
  });

  it('keeps gradients right where saved tensors are shared: a conv → ReLU → pool chain matches the cpu backend', async () => {
    const x = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 3).dataSync().slice();
    const f = tf.randomUniform([3, 3, 1, 2], -1, 1, 'float32', 4).dataSync().slice();
    const gradient = () => {
      const before = tf.memory().numTensors;
      const [xs, fs] = [tf.tensor4d(x, [2, 8, 8, 1]), tf.tensor4d(f, [3, 3, 1, 2])];
      const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.relu(tf.conv2d(xs, w as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid'))))(fs);
      const values = g.dataSync().slice();
      tf.dispose([xs, fs, g]);
      expect(tf.memory().numTensors).toBe(before);
      return values;
    };
    const onWasm = gradient();
    await useCpu();
    const onCpu = gradient();
    await useWasm();
    onCpu.forEach((v, i) => expect(Math.abs(v - onWasm[i])).toBeLessThan(1e-4));
  });
});
