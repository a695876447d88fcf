// The wasm backend in Node, as the worker starts it (what training needs, then the speed-ups of
// src/ml/wasm/): training frees every tensor, and learns what tfjs's own kernels learn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { TrainingSession } from '../../../src/ml/TrainingSession';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import { warmUp } from '../../../src/ml/trainStep';
import { ALL_WASM_PARTS, installWasm, NO_WASM_PARTS, type WasmParts } from '../../../src/ml/wasm';
import { digitsTask, useCpu, useWasm } from '../helpers';

beforeAll(useWasm);
afterAll(useCpu);

describe('training the CNN on wasm', () => {
  it('returns numTensors to its baseline after warm-up / train / pause / dispose cycles', async () => {
    const data = await digitsTask(640, 128);
    const baseline = tf.memory().numTensors;
    for (let cycle = 0; cycle < 3; cycle++) {
      const session = new TrainingSession({ spec: MNIST_PRESETS.cnn, data, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 1 }, evaluationsPerEpoch: 2 });
      await session.inspect((model, d) => warmUp(model, d, 64));
      const run = session.train();
      await new Promise((r) => setTimeout(r, 150));
      await session.pause();
      await session.trainOneStep();
      await session.train();
      await run;
      expect(session.state).toBe('done');
      await session.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }
  });

  // The speed work must not change what is learnt: every part of src/ml/wasm/ computes what tfjs's
  // kernels compute up to float rounding, so the accuracy per epoch may move only by that.
  it('reaches the same validation accuracy per epoch (±0.5 %) with every speed-up as with tfjs\'s own kernels', async () => {
    const data = await digitsTask(8000, 2000);
    const perEpoch = async (parts: WasmParts): Promise<number[]> => {
      installWasm(parts);
      const accuracies: number[] = [];
      const hyper = { ...defaults(TRAINING_SCHEMA), learningRate: 0.015, schedule: 'oneCycle' as const, batchSize: 32, epochs: 2 };
      const session = new TrainingSession({ spec: MNIST_PRESETS.cnn, data, hyper, evaluationsPerEpoch: 1, callbacks: { onEvaluate: (e) => accuracies.push(e.valAccuracy!) } });
      await session.train();
      await session.dispose();
      return accuracies;
    };
    try {
      const withKernels = await perEpoch(ALL_WASM_PARTS);
      const without = await perEpoch(NO_WASM_PARTS);
      expect(withKernels).toHaveLength(2);
      expect(without).toHaveLength(2);
      expect(withKernels[1]).toBeGreaterThan(0.95); // it learnt: not two equally broken runs
      for (let epoch = 0; epoch < 2; epoch++) expect(Math.abs(withKernels[epoch] - without[epoch])).toBeLessThanOrEqual(0.005);
    } finally {
      installWasm(ALL_WASM_PARTS);
    }
  }, 60_000);

  it('a warm-up pass leaves the weights as they were', async () => {
    const data = await digitsTask(128, 64);
    const session = new TrainingSession({ spec: MNIST_PRESETS.cnn, data, hyper: defaults(TRAINING_SCHEMA) });
    const before = await session.readWeights();
    await session.inspect((model, d) => warmUp(model, d, 64));
    const after = await session.readWeights();
    expect(after.map((w) => Array.from(w))).toEqual(before.map((w) => Array.from(w)));
    await session.dispose();
  });
});
