import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { gatherDigits, stratifiedSplit } from '../../../src/ml/mnist';
import { CLASSES, LADDER_RUNGS, LADDER_SUBSET, PIXELS, largestLossGap, ladderRun, ladderSettings } from '../../../src/ml/ladder/ladder';
import { LADDER_RUNG_CODE } from '../../../src/ml/ladder/rungs';
import type { Examples } from '../../../src/ml/trainingTypes';
import { loadAssetFromDisk, useCpu } from '../helpers';

let train: Examples;
beforeAll(async () => {
  await useCpu();
  const data = await loadAssetFromDisk();
  const split = stratifiedSplit(data.labels, 2000, 1234);
  const indices = split.train.subarray(0, LADDER_SUBSET);
  train = { ...gatherDigits(data, indices), count: indices.length };
});

describe('the abstraction ladder', () => {
  it('gives every rung the same full batches of one-hot labels and the same seeded start', () => {
    const { settings } = ladderSettings({ steps: 40, batchSize: 32, seed: 3 });
    const run = ladderRun(train, settings);
    expect(run.batches).toHaveLength(40); // 1,000 digits make 31 full batches: the run goes on into a second epoch
    for (const batch of run.batches) {
      expect(batch.size).toBe(32);
      expect(batch.xs).toHaveLength(32 * PIXELS);
      for (let i = 0; i < 32; i++) expect(batch.ys.subarray(i * CLASSES, (i + 1) * CLASSES).reduce((a, b) => a + b)).toBe(1);
    }
    expect(ladderRun(train, settings).kernel).toEqual(run.kernel);
    expect(ladderRun(train, { ...settings, seed: 4 }).kernel).not.toEqual(run.kernel);
    expect(ladderRun(train, { ...settings, seed: 4 }).batches[0].xs).not.toEqual(run.batches[0].xs);
    expect(() => ladderRun(train, { ...settings, batchSize: 2000 })).toThrow(/at most 1000/);
  });

  it('reaches the same losses on all three rungs, to 1e-4, after the same steps with the same seed', async () => {
    const { settings } = ladderSettings({ steps: 30, batchSize: 32, learningRate: 0.5, seed: 11 });
    const run = ladderRun(train, settings);
    const curves: number[][] = [];
    for (const name of LADDER_RUNGS.keys()) {
      const before = tf.memory().numTensors;
      const losses = await LADDER_RUNG_CODE.get(name)!(run);
      expect(tf.memory().numTensors, `${name} leaves no tensors behind`).toBe(before);
      expect(losses, name).toHaveLength(30);
      curves.push(losses);
    }
    // It learns: the loss of the last batches is well under the first (ln 10 ≈ 2.3 at the start).
    expect(curves[0][0]).toBeGreaterThan(1.8);
    expect(curves[0].slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(1.2);
    for (const curve of curves.slice(1)) {
      for (let s = 0; s < 30; s++) expect(Math.abs(curve[s] - curves[0][s]), `step ${s}`).toBeLessThan(1e-4);
    }
    expect(largestLossGap(curves)).toBeLessThan(1e-4);
  });

  it('measures the gap between curves, and an unequal length as no agreement', () => {
    expect(largestLossGap([[1, 2, 3], [1, 2.5, 3], [1.1, 2, 3]])).toBeCloseTo(0.5);
    expect(largestLossGap([[1, 2], [1]])).toBe(Infinity);
    expect(largestLossGap([])).toBe(0);
  });

  it('checks its settings with the schema', () => {
    const { settings, messages } = ladderSettings({ learningRate: 'fast', steps: 9999, batchSize: 2.4 });
    expect(settings).toMatchObject({ learningRate: 0.5, steps: 200, batchSize: 2, seed: 1 });
    expect(messages).toHaveLength(3);
  });
});
