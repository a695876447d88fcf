// What training needs on wasm (src/ml/wasm/trainingKernels.ts): the Conv2DBackpropFilter kernel
// tfjs-backend-wasm 4.22 lacks, registered for wasm alone, once, and giving the cpu backend's own
// kernel's results.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { ALL_WASM_PARTS, installWasm, NO_WASM_PARTS, registerTrainingKernels } from '../../../src/ml/wasm';
import { useCpu, useWasm } from '../helpers';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
const cases: { name: string; x: Shape4; f: Shape4; stride: number; pad: Pad }[] = [
  { name: 'the digit CNN’s first conv (5×5 valid)', x: [4, 28, 28, 1], f: [5, 5, 1, 8], stride: 1, pad: 'valid' },
  { name: '3×3 same, 3 channels', x: [2, 9, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { name: '4×4 same, stride 2 (uneven padding)', x: [2, 11, 10, 1], f: [4, 4, 1, 3], stride: 2, pad: 'same' },
  { name: '3×3 valid, stride 2 (a row no window reaches)', x: [2, 10, 9, 2], f: [3, 3, 2, 2], stride: 2, pad: 'valid' },
  { name: '3×3, padding 1', x: [2, 7, 8, 2], f: [3, 3, 2, 4], stride: 1, pad: 1 },
  { name: '3×3, explicit padding (1, 2) × (0, 1)', x: [2, 7, 8, 2], f: [3, 3, 2, 4], stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

const random = (shape: number[], seed: number) => tf.tidy(() => tf.randomUniform(shape, -1, 1, 'float32', seed).dataSync() as Float32Array);

/** The filter gradient through the Conv2DBackpropFilter kernel of the current backend. */
function backpropFilter(c: (typeof cases)[number], x: Float32Array, dy: Float32Array, dyShape: number[]): Float32Array {
  return tf.tidy(() => {
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: c.f };
    const out = tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, dyShape) }, attrs as never) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

describe('registerTrainingKernels', () => {
  const warn = vi.spyOn(console, 'warn');
  let cpuKernel: tf.KernelConfig;
  let expected: Float32Array[];
  let inputs: { x: Float32Array; dy: Float32Array; dyShape: number[] }[];

  beforeAll(async () => {
    await useCpu();
    cpuKernel = tf.getKernel('Conv2DBackpropFilter', 'cpu');
    inputs = cases.map((c, i) => {
      const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.stride, c.pad).shape);
      return { x: random(c.x, 10 + i), dy: random(dyShape, 20 + i), dyShape };
    });
    // The reference: the cpu backend's own kernel.
    expected = cases.map((c, i) => backpropFilter(c, inputs[i].x, inputs[i].dy, inputs[i].dyShape));
  });
  afterEach(() => void installWasm(ALL_WASM_PARTS));
  afterAll(useCpu);

  it('registers nothing until tfjs-backend-wasm has registered its kernels, then the filter gradient for wasm alone, once', async () => {
    expect(tf.getKernel('Conv2D', 'wasm')).toBeUndefined();
    expect(registerTrainingKernels()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    warn.mockClear();
    await useWasm(); // registers it, as the worker's backend start does
    const registered = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    expect(registered).toBeDefined();
    expect(registerTrainingKernels()).toBe(true);
    expect(registerTrainingKernels()).toBe(true);
    // Registered once: the same config, and tfjs never warned that it was registered already.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(registered);
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(/already registered/);
    // The cpu backend keeps its own kernel.
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(cpuKernel);
  });

  for (const [i, c] of cases.entries()) {
    it(`gives the cpu backend's Conv2DBackpropFilter on wasm, every speed-up off, for ${c.name} to 1e-4`, async () => {
      await useWasm();
      installWasm(NO_WASM_PARTS);
      const before = tf.memory().numTensors;
      const actual = backpropFilter(c, inputs[i].x, inputs[i].dy, inputs[i].dyShape);
      expect(tf.memory().numTensors).toBe(before);
      expect(actual.length).toBe(expected[i].length);
      const worst = expected[i].reduce((m, v, j) => Math.max(m, Math.abs(v - actual[j])), 0);
      expect(worst).toBeLessThan(1e-4);
      expect(Math.max(...expected[i].map(Math.abs))).toBeGreaterThan(0.1);
    });
  }
});
