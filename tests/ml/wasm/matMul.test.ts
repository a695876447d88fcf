// wasm's BatchMatMul, wrapped so transposed operands take the XNNPACK path (src/ml/wasm/matMul.ts):
// every transpose combination gives the cpu backend's product, and no temporary is left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { wasmPart } from '../../../src/ml/wasm';
import { useCpu, useWasm } from '../helpers';

type Case = { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean };
const cases: Case[] = [];
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    // A dense layer's shapes (784 → 128, batch 64, as in the MLP) and a batched rank-3 product.
    cases.push({ a: transposeA ? [64, 37] : [37, 64], b: transposeB ? [29, 64] : [64, 29], transposeA, transposeB });
    cases.push({ a: transposeA ? [3, 10, 7] : [3, 7, 10], b: transposeB ? [3, 5, 10] : [3, 10, 5], transposeA, transposeB });
  }
}

async function products(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const [i, c] of cases.entries()) {
    const a = tf.randomUniform(c.a, -1, 1, 'float32', 10 + i);
    const b = tf.randomUniform(c.b, -1, 1, 'float32', 50 + i);
    const y = tf.matMul(a, b, c.transposeA, c.transposeB);
    out.push((await y.data()) as Float32Array);
    tf.dispose([a, b, y]);
  }
  return out;
}

describe('wasm matMul with transposed operands', () => {
  let onCpu: Float32Array[];
  beforeAll(async () => {
    await useCpu();
    onCpu = await products();
    await useWasm();
    expect(wasmPart('matMul')).toBe(true);
  });
  afterAll(useCpu);

  it('gives the cpu backend’s products to 1e-5 for every transpose combination', async () => {
    const onWasm = await products();
    onCpu.forEach((expected, i) => {
      expect(onWasm[i].length).toBe(expected.length);
      const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - onWasm[i][j])), 0);
      expect(worst, `case ${JSON.stringify(cases[i])}`).toBeLessThan(1e-5);
    });
  });

  it('frees the transposed copies: the backend holds no more data than before', async () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    await products();
    expect(backend.numDataIds()).toBe(before);
  });

  it('gives the same gradients as the cpu backend for a dense layer (xᵀ·dy and dy·wᵀ)', async () => {
    const grads = async () => {
      const x = tf.randomUniform([64, 30], -1, 1, 'float32', 7);
      const w = tf.variable(tf.randomUniform([30, 12], -1, 1, 'float32', 8));
      const { grads: g, value } = tf.variableGrads(() => tf.sum(tf.square(tf.relu(tf.matMul(x, w)))) as tf.Scalar, [w]);
      const out = (await g[w.name].data()) as Float32Array;
      tf.dispose([x, w, value, ...Object.values(g)]);
      return out;
    };
    const wasmGrad = await grads();
    await useCpu();
    try {
      const cpuGrad = await grads();
      const worst = cpuGrad.reduce((m, v, j) => Math.max(m, Math.abs(v - wasmGrad[j]) / Math.max(1, Math.abs(v))), 0);
      expect(worst).toBeLessThan(1e-5);
    } finally {
      expect(await tf.setBackend('wasm')).toBe(true);
    }
  });
});
