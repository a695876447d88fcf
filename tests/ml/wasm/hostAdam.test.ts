import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { HostAdam, SMALL_TENSOR } from '../../../src/ml/wasm/hostAdam';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from '../../../src/ml/optimizers';
import { useCpu, useWasm } from '../helpers';

beforeAll(useCpu);

/** A small and a large weight tensor, and a loss whose gradients vary in sign and size. */
function problem(seed: number) {
  const small = tf.variable(tf.randomUniform([3, 4], -1, 1, 'float32', seed));
  const large = tf.variable(tf.randomUniform([SMALL_TENSOR + 7], -1, 1, 'float32', seed + 1));
  const targets = [tf.randomUniform([3, 4], -2, 2, 'float32', seed + 2), tf.randomUniform([SMALL_TENSOR + 7], -2, 2, 'float32', seed + 3)];
  const loss = () => tf.add(tf.sum(tf.pow(tf.sub(small, targets[0]), 4)), tf.sum(tf.square(tf.sub(large, targets[1])))) as tf.Scalar;
  return { small, large, loss, dispose: () => tf.dispose([small, large, ...targets]) };
}

describe('HostAdam', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`follows tfjs's Adam step for step on ${backend}, small tensors in JavaScript and large ones ${backend === 'wasm' ? 'in one SIMD pass' : 'through tfjs'}, with a learning-rate change`, async () => {
      if (backend === 'wasm') await useWasm();
      try {
        const runs = [new HostAdam(0.01), tf.train.adam(0.01)].map((optimizer) => ({ optimizer, ...problem(5) }));
        for (let step = 0; step < 8; step++) {
          if (step === 4) for (const r of runs) setOptimizerLearningRate(r.optimizer, 0.03);
          for (const r of runs) r.optimizer.minimize(r.loss, false, [r.small, r.large]);
          for (const name of ['small', 'large'] as const) {
            const [ours, theirs] = runs.map((r) => r[name].dataSync() as Float32Array);
            const worst = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0);
            expect({ step, name, close: worst < 1e-6 }).toEqual({ step, name, close: true });
          }
        }
        // It moved: the weights are not where they started.
        const start = problem(5);
        expect(Math.abs(runs[0].small.dataSync()[0] - start.small.dataSync()[0])).toBeGreaterThan(0.01);
        start.dispose();
        for (const r of runs) {
          disposeOptimizer(r.optimizer);
          r.dispose();
        }
      } finally {
        await useCpu();
      }
    });
  }

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`keeps small tensors' moments out of tfjs (no tensors), and frees the large ones' when disposed, on ${backend}`, async () => {
      if (backend === 'wasm') await useWasm();
      try {
        const p = problem(9);
        const baseline = tf.memory().numTensors;
        const smallOnly = new HostAdam(0.01);
        smallOnly.minimize(() => tf.sum(tf.square(p.small)) as tf.Scalar, false, [p.small]);
        expect(tf.memory().numTensors).toBe(baseline);
        const both = new HostAdam(0.01);
        for (let step = 0; step < 3; step++) both.minimize(p.loss, false, [p.small, p.large]);
        expect(tf.memory().numTensors).toBeGreaterThan(baseline);
        for (const o of [smallOnly, both]) disposeOptimizer(o);
        expect(tf.memory().numTensors).toBe(baseline);
        p.dispose();
      } finally {
        await useCpu();
      }
    });
  }

  it('is the Adam createOptimizer gives on backends whose tensors are in ordinary memory', async () => {
    const onCpu = createOptimizer('adam', 0.02);
    // By class: tfjs's Optimizer answers instanceof for any optimizer (it checks for the methods).
    expect(onCpu.constructor).toBe(HostAdam);
    expect(onCpu.getClassName()).toBe('Adam');
    disposeOptimizer(onCpu);
    await useWasm();
    try {
      const onWasm = createOptimizer('adam', 0.02);
      expect(onWasm.constructor).toBe(HostAdam);
      disposeOptimizer(onWasm);
    } finally {
      await useCpu();
    }
  });
});
