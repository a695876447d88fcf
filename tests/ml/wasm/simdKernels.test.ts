import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { simdFilterGradient, simdInputGradient, simdKernelsAvailable, simdPoolGradient } from '../../../src/ml/wasm/simdKernels';
import { ALL_WASM_PARTS, installWasm } from '../../../src/ml/wasm';
import { filterGradient, inputGradient } from '../../../src/ml/wasm/convGradients';
import { useCpu, useWasm } from '../helpers';
import { KERNEL_BINARIES } from '../../../src/ml/wasm/kernels/binaries';
// @ts-expect-error: a plain .mjs build script, no types
import { assembleKernels, binariesSource } from '../../../scripts/build-kernels.mjs';

beforeAll(useWasm);
afterEach(() => void installWasm(ALL_WASM_PARTS));

type Shape4 = [number, number, number, number];

/** Runs `fn` on the cpu backend (tfjs's own kernels, the reference) and brings the values back. */
async function onCpu(fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await useCpu();
  const out = tf.tidy(() => [fn()].flat().map((t) => t.dataSync() as Float32Array));
  await useWasm();
  return out;
}

function values(shape: number[], seed: number, round = false): Float32Array {
  const t = tf.tidy(() => {
    const r = tf.randomUniform(shape, -1, 1, 'float32', seed);
    // Rounded values make ties and zeros after ReLU: the cases a max-pool gradient must get right.
    return round ? tf.relu(tf.round(tf.mul(r, 2))) : r;
  });
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the SIMD kernels on the wasm heap', () => {
  it('are the assembled src/ml/wasm/kernels/*.wat (binaries.ts is up to date: run `npm run kernels`)', async () => {
    const committed = readFileSync(new URL('../../../src/ml/wasm/kernels/binaries.ts', import.meta.url), 'utf8');
    expect(committed).toBe(binariesSource(await assembleKernels()));
  });

  it('give the same results assembled for a shared memory (the threaded wasm build) as for a plain one', () => {
    // Inputs laid out from byte 1024 on; each kernel writes its outputs after them.
    const run = (shared: boolean) => {
      const memory = new WebAssembly.Memory(shared ? { initial: 4, maximum: 16, shared: true } : { initial: 4 });
      const exports: Record<string, (...args: number[]) => void> = {};
      for (const name of ['poolGradient', 'convFilterGradient', 'convInputGradient']) {
        const bytes = Uint8Array.from(atob(KERNEL_BINARIES[shared ? `${name}Shared` : name]), (ch) => ch.charCodeAt(0));
        Object.assign(exports, new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports);
      }
      const heap = new Float32Array(memory.buffer);
      let seed = 1;
      for (let i = 256; i < 256 + 4096; i++) heap[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
      // y 2×6×6×8 at 1024, pooled 2×3×3×8 (the y values at each window's first position), dy after it.
      const y = 1024, pooled = y + 576 * 4, dy = pooled + 144 * 4, dz = 40000, dbias = dz + 576 * 4;
      for (let i = 0; i < 144; i++) heap[pooled / 4 + i] = heap[y / 4 + i];
      exports.poolGradient(y, pooled, dy, dz, dbias, 2, 6, 6, 8, 3, 3, 2, 2);
      // input 2×6×6×8 at 1024, dz 2×4×4×8 after it, 3×3 taps, valid.
      const dw = 50000;
      exports.convFilterGradient(1024, 1024 + 576 * 4, dw, 2, 6, 6, 8, 4, 4, 8, 3, 3, 0, 0);
      const dx = 60000;
      exports.convInputGradient(1024 + 576 * 4, 1024, dx, 2, 6, 6, 8, 4, 4, 8, 3, 3, 0, 0);
      return [heap.slice(dz / 4, dz / 4 + 584), heap.slice(dw / 4, dw / 4 + 576), heap.slice(dx / 4, dx / 4 + 576)];
    };
    const plain = run(false);
    const shared = run(true);
    for (let k = 0; k < 3; k++) {
      expect(plain[k].some((v) => v !== 0)).toBe(true);
      expect(shared[k]).toEqual(plain[k]);
    }
  });

  it('run on the wasm backend, and not when turned off', () => {
    expect(simdKernelsAvailable()).toBe(true);
    installWasm({ simdKernels: false });
    expect(simdKernelsAvailable()).toBe(false);
  });

  for (const [shape, pool] of [
    [[3, 24, 24, 8], 2],
    [[2, 9, 7, 4], 2],
    [[2, 10, 11, 12], 3],
  ] as [Shape4, number][]) {
    it(`ReLU → ${pool}×${pool} max-pool gradient and bias gradient match tfjs's MaxPoolGrad on ${shape.join('×')} (ties, zeros, uncovered edges)`, async () => {
      const yv = values(shape, 1, true);
      const [pooledv] = await onCpu(() => tf.maxPool(tf.tensor4d(yv, shape), pool, pool, 'valid'));
      const pooledShape: Shape4 = [shape[0], Math.floor(shape[1] / pool), Math.floor(shape[2] / pool), shape[3]];
      const dyv = values(pooledShape, 2);
      // Reference: ReLU's mask (the window's maximum above 0), tfjs's MaxPoolGrad, the bias sum.
      const [dzRef, dbRef] = await onCpu(() => {
        const y = tf.tensor4d(yv, shape);
        const pooled = tf.tensor4d(pooledv, pooledShape);
        const passed = tf.mul(tf.tensor4d(dyv, pooledShape), tf.step(pooled));
        const dz = tf.engine().runKernel('MaxPoolGrad', { dy: passed, input: y, output: pooled }, { filterSize: pool, strides: pool, pad: 'valid' }) as tf.Tensor;
        return [dz, tf.sum(passed, [0, 1, 2])];
      });
      const y = tf.tensor4d(yv, shape);
      const pooled = tf.tensor4d(pooledv, pooledShape);
      const dy = tf.tensor4d(dyv, pooledShape);
      const before = tf.memory().numTensors;
      const [dz, db] = simdPoolGradient(dy, y, pooled, [pool, pool])!;
      expect(tf.memory().numTensors).toBe(before + 2);
      // MaxPoolGrad gives a tie's gradient to the first maximum, this kernel shares it: compare
      // each window's total, and each position where the window has a single maximum.
      const dzv = dz.dataSync() as Float32Array;
      const [, h, w, c] = shape;
      let windows = 0;
      for (let b = 0; b < shape[0]; b++)
        for (let oy = 0; oy < pooledShape[1]; oy++)
          for (let ox = 0; ox < pooledShape[2]; ox++)
            for (let ch = 0; ch < c; ch++) {
              let sum = 0;
              let sumRef = 0;
              let maxima = 0;
              for (let wy = 0; wy < pool; wy++)
                for (let wx = 0; wx < pool; wx++) {
                  const i = ((b * h + oy * pool + wy) * w + ox * pool + wx) * c + ch;
                  sum += dzv[i];
                  sumRef += dzRef[i];
                  if (yv[i] === pooledv[((b * pooledShape[1] + oy) * pooledShape[2] + ox) * c + ch]) maxima++;
                }
              expect(Math.abs(sum - sumRef)).toBeLessThan(1e-5);
              // A single maximum takes all of it, exactly where MaxPoolGrad puts it.
              if (maxima === 1) {
                windows++;
                for (let wy = 0; wy < pool; wy++)
                  for (let wx = 0; wx < pool; wx++) {
                    const i = ((b * h + oy * pool + wy) * w + ox * pool + wx) * c + ch;
                    expect(dzv[i]).toBe(dzRef[i]);
                  }
              }
            }
      expect(windows).toBeGreaterThan(0);
      // Rows and columns no window covers get 0.
      for (let i = 0; i < dzv.length; i++) {
        const row = Math.floor(i / (w * c)) % h;
        const col = Math.floor(i / c) % w;
        if (row >= pooledShape[1] * pool || col >= pooledShape[2] * pool) expect(dzv[i]).toBe(0);
      }
      expect(maxDiff(db.dataSync() as Float32Array, dbRef)).toBeLessThan(1e-4);
      tf.dispose([y, pooled, dy, dz, db]);
    });
  }

  const convCases: { name: string; x: Shape4; f: Shape4; pad: 'valid' | 'same' }[] = [
    { name: 'the digit CNN’s first conv (1 channel, 5×5 valid)', x: [4, 28, 28, 1], f: [5, 5, 1, 8], pad: 'valid' },
    { name: '3 channels, 3×3 same', x: [3, 9, 7, 3], f: [3, 3, 3, 16], pad: 'same' },
    { name: 'the digit CNN’s second conv (8 channels, 5×5 valid)', x: [4, 12, 12, 8], f: [5, 5, 8, 16], pad: 'valid' },
    { name: '16 channels, 4×4 same (uneven padding)', x: [2, 7, 6, 16], f: [4, 4, 16, 5], pad: 'same' },
  ];

  /** The output gradient's shape and the forward pass's top and left padding (stride 1). */
  function geometry(c: (typeof convCases)[number]): { dzShape: Shape4; top: number; left: number } {
    const [, h, w] = c.x;
    const [kh, kw, , outC] = c.f;
    const [oh, ow] = c.pad === 'same' ? [h, w] : [h - kh + 1, w - kw + 1];
    const top = c.pad === 'same' ? Math.floor((kh - 1) / 2) : 0;
    const left = c.pad === 'same' ? Math.floor((kw - 1) / 2) : 0;
    return { dzShape: [c.x[0], oh, ow, outC], top, left };
  }

  for (const c of convCases.filter((k) => k.f[3] % 8 === 0)) {
    it(`the conv filter gradient matches tfjs's Conv2DBackpropFilter for ${c.name} to 1e-4`, async () => {
      const xv = values(c.x, 3);
      const { dzShape, top, left } = geometry(c);
      const dzv = values(dzShape, 4);
      const [expected] = await onCpu(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor4d(dzv, dzShape) }, { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }) as tf.Tensor);
      const x = tf.tensor4d(xv, c.x);
      const dz = tf.tensor4d(dzv, dzShape);
      const before = tf.memory().numTensors;
      const dw = simdFilterGradient(x, dz, c.f, top, left)!;
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(dw.shape).toEqual(c.f);
      expect(maxDiff(dw.dataSync() as Float32Array, expected)).toBeLessThan(1e-4);
      tf.dispose([x, dz, dw]);
    });
  }

  for (const c of convCases.filter((k) => k.x[3] % 8 === 0)) {
    it(`the conv input gradient matches tfjs's Conv2DBackpropInput for ${c.name} to 1e-4`, async () => {
      const fv = values(c.f, 5);
      const { dzShape, top, left } = geometry(c);
      const dzv = values(dzShape, 6);
      const [expected] = await onCpu(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor4d(dzv, dzShape), filter: tf.tensor4d(fv, c.f) }, { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor);
      const f = tf.tensor4d(fv, c.f);
      const dz = tf.tensor4d(dzv, dzShape);
      const before = tf.memory().numTensors;
      const dx = simdInputGradient(dz, f, c.x, top, left)!;
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(dx.shape).toEqual(c.x);
      expect(maxDiff(dx.dataSync() as Float32Array, expected)).toBeLessThan(1e-4);
      tf.dispose([f, dz, dx]);
    });
  }

  it('decline what they do not cover, so the callers keep their tfjs ops', () => {
    const x = tf.zeros([1, 6, 6, 3]) as tf.Tensor4D;
    const dz = tf.zeros([1, 4, 4, 4]) as tf.Tensor4D;
    // 4 output channels: the filter kernel works 8 at a time.
    expect(simdFilterGradient(x, dz, [3, 3, 3, 4], 0, 0)).toBeNull();
    // 3 input channels: the input kernel works 8 at a time.
    const f = tf.zeros([3, 3, 3, 4]) as tf.Tensor4D;
    expect(simdInputGradient(dz, f, [1, 6, 6, 3], 0, 0)).toBeNull();
    // 3 channels: the pool kernel works 4 at a time.
    const pooled = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
    expect(simdPoolGradient(pooled, x, pooled, [2, 2])).toBeNull();
    tf.dispose([x, dz, f, pooled]);
  });

  it('leave the public gradients unchanged: with and without them, the same filter and input gradients', () => {
    const x = tf.randomUniform([4, 12, 12, 8], -1, 1, 'float32', 7) as tf.Tensor4D;
    const f = tf.randomUniform([5, 5, 8, 16], -1, 1, 'float32', 8) as tf.Tensor4D;
    const dz = tf.randomUniform([4, 8, 8, 16], -1, 1, 'float32', 9) as tf.Tensor4D;
    const x1 = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 10) as tf.Tensor4D;
    const dz1 = tf.randomUniform([4, 24, 24, 8], -1, 1, 'float32', 11) as tf.Tensor4D;
    const run = () => [inputGradient(dz, f, x.shape, 'valid'), filterGradient(x1, dz1, [5, 5, 1, 8], [1, 1], 'valid')].map((t) => t.dataSync() as Float32Array);
    const [inOn, filterOn] = run();
    installWasm({ simdKernels: false });
    const [inOff, filterOff] = run();
    expect(maxDiff(inOn, inOff)).toBeLessThan(1e-4);
    expect(maxDiff(filterOn, filterOff)).toBeLessThan(1e-3);
    tf.dispose([x, f, dz, x1, dz1]);
  });
});
