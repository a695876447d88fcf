import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { filterGradient, registerConvFilterGradient } from '../../src/ml/wasmConvGradient';
import { useCpu } from './helpers';

beforeAll(useCpu);

type Case = { name: string; x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' };
const cases: Case[] = [
  { name: '5×5 valid, stride 1 (our CNN)', x: [3, 12, 12, 2], f: [5, 5, 2, 4], stride: 1, pad: 'valid' },
  { name: '3×3 same, stride 1', x: [2, 9, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { name: '4×4 same, stride 2 (uneven padding)', x: [2, 11, 10, 1], f: [4, 4, 1, 3], stride: 2, pad: 'same' },
  { name: '3×3 valid, stride 2', x: [2, 10, 9, 2], f: [3, 3, 2, 2], stride: 2, pad: 'valid' },
];

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe('conv2d filter gradient built from ops wasm has', () => {
  for (const c of cases) {
    it(`matches tfjs's Conv2DBackpropFilter for ${c.name} to 1e-4`, async () => {
      const x = randomTensor(c.x, 1) as tf.Tensor4D;
      const f = randomTensor(c.f, 2) as tf.Tensor4D;
      const y = tf.conv2d(x, f, c.stride, c.pad);
      const dy = randomTensor(y.shape, 3) as tf.Tensor4D;
      // The reference: the cpu backend's own kernel, the one wasm lacks.
      const expected = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const actual = filterGradient(x, dy, c.f as [number, number, number, number], [c.stride, c.stride], c.pad);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(actual.shape).toEqual(expected.shape);
      const diff = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
      expect(diff).toBeLessThan(1e-4);
      tf.dispose([x, f, y, dy, expected, actual]);
    });
  }

  it('once registered as the Conv2D gradient, tf.grads gives the same filter and input gradients without leaking', () => {
    const x = randomTensor([2, 8, 8, 2], 4) as tf.Tensor4D;
    const f = randomTensor([3, 3, 2, 3], 5) as tf.Tensor4D;
    const lossOf = (xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same')));
    const [gx1, gf1] = tf.grads(lossOf)([x, f]);
    registerConvFilterGradient();
    const before = tf.memory().numTensors;
    const [gx2, gf2] = tf.grads(lossOf)([x, f]);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(tf.max(tf.abs(tf.sub(gf1, gf2))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(gx1, gx2))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([x, f, gx1, gf1, gx2, gf2]);
  });
});
