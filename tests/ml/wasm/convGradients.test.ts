import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { filterGradient, inputGradient, maxPoolGradient } from '../../../src/ml/wasm/convGradients';
import { useCpu, useWasm } from '../helpers';

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

  for (const c of cases.filter((k) => k.stride === 1)) {
    it(`the input gradient as a plain convolution matches Conv2DBackpropInput for ${c.name} to 1e-4`, () => {
      const f = randomTensor(c.f, 2) as tf.Tensor4D;
      const outShape = tf.conv2d(tf.zeros<tf.Rank>(c.x) as tf.Tensor4D, f, 1, c.pad).shape as [number, number, number, number];
      const dy = randomTensor(outShape, 3) as tf.Tensor4D;
      const expected = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const actual = inputGradient(dy, f, c.x as [number, number, number, number], c.pad);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(actual.shape).toEqual(c.x);
      expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-4);
      tf.dispose([f, dy, expected, actual]);
    });
  }

  for (const shape of [[3, 24, 24, 8], [2, 9, 7, 3]]) {
    it(`the 2×2 max-pool gradient from element-wise ops matches MaxPoolGrad on ${shape.join('×')} (ties shared)`, () => {
      const x = randomTensor(shape, 6) as tf.Tensor4D;
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = randomTensor(y.shape, 7) as tf.Tensor4D;
      const expected = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const actual = maxPoolGradient(dy, x, y, [2, 2]);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(actual.shape).toEqual(shape);
      expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-6);
      // A window of equal values (ReLU zeros) shares its gradient: the total is kept.
      const flat = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
      const shared = maxPoolGradient(tf.ones([1, 1, 1, 1]) as tf.Tensor4D, flat, tf.maxPool(flat, 2, 2, 'valid'), [2, 2]);
      expect(Array.from(shared.dataSync())).toEqual([0.25, 0.25, 0.25, 0.25]);
      tf.dispose([x, y, dy, expected, actual, flat, shared]);
    });
  }
});

describe('training a CNN on wasm with these gradients', () => {
  it("gives the cpu backend's gradients to 1e-4, for every weight of conv (valid, same, stride 2) and pooling layers, without leaking", async () => {
    const shapes = { x: [4, 14, 14, 1], f1: [5, 5, 1, 4], f2: [3, 3, 4, 6], f3: [3, 3, 6, 5] };
    const values = Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, randomTensor(s, 10 + i).dataSync().slice()])) as Record<keyof typeof shapes, Float32Array>;
    const gradients = async (): Promise<Float32Array[]> => {
      const t = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, tf.tensor<tf.Rank>(values[k as keyof typeof shapes], s as number[])])) as Record<keyof typeof shapes, tf.Tensor4D>;
      const before = tf.memory().numTensors;
      const lossOf = (f1: tf.Tensor, f2: tf.Tensor, f3: tf.Tensor) => {
        const h1 = tf.maxPool(tf.relu(tf.conv2d(t.x, f1 as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid'); // 10 → 5
        const h2 = tf.relu(tf.conv2d(h1, f2 as tf.Tensor4D, 1, 'same'));
        const h3 = tf.conv2d(h2, f3 as tf.Tensor4D, 2, 'same');
        return tf.sum(tf.square(h3));
      };
      const grads = tf.grads(lossOf)([t.f1, t.f2, t.f3]);
      expect(tf.memory().numTensors).toBe(before + 3);
      const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose([...grads, ...Object.values(t)]);
      return out;
    };
    const onCpu = await gradients();
    try {
      await useWasm();
      const onWasm = await gradients();
      onCpu.forEach((expected, i) => {
        const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - onWasm[i][j]) / Math.max(1, Math.abs(v))), 0);
        expect(worst).toBeLessThan(1e-4);
      });
    } finally {
      await useCpu();
    }
  });
});
