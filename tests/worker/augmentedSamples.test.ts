import { describe, expect, it } from 'vitest';
import { augmentedSamples } from '../../src/worker/augmentedSamples';
import { augmentBatch } from '../../src/ml/augment';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { connect } from './connect';

function images(count: number): TrainingData {
  const x = new Float32Array(count * 784);
  // A bar of ink in the middle of each image, in a different row per image.
  for (let k = 0; k < count; k++) for (let c = 8; c < 20; c++) x[k * 784 + (10 + k) * 28 + c] = 1;
  return { inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', train: { x, y: Int32Array.from({ length: count }, (_, k) => k % 10), count } };
}

describe('augmentedSamples', () => {
  it('lays out each digit as its original followed by augmented versions, with its label', () => {
    const data = images(5);
    const reply = augmentedSamples(data, { count: 3, variants: 4, seed: 9 });
    expect(reply).toMatchObject({ count: 3, variants: 4 });
    expect(Array.from(reply.labels)).toEqual([0, 1, 2]);
    expect(reply.pixels.length).toBe(3 * 4 * 784);
    for (let d = 0; d < 3; d++) {
      const original = reply.pixels.subarray(d * 4 * 784, (d * 4 + 1) * 784);
      expect(Array.from(original)).toEqual(Array.from(data.train.x.subarray(d * 784, (d + 1) * 784), (v) => v * 255));
    }
    // The versions are the training loop's augmentation of these digits, as bytes.
    const copies = new Float32Array(3 * 3 * 784);
    for (let v = 0; v < 3; v++) copies.set(data.train.x.subarray(0, 3 * 784), v * 3 * 784);
    const expected = augmentBatch(copies, 9, [28, 28, 1], 9);
    const version = (d: number, v: number) => Array.from(reply.pixels.subarray((d * 4 + v) * 784, (d * 4 + v + 1) * 784));
    expect(version(1, 2)).toEqual(Array.from(expected.subarray((1 * 3 + 1) * 784, (1 * 3 + 2) * 784), (p) => Math.round(p * 255)));
    expect(augmentedSamples(data, { count: 3, variants: 4, seed: 9 }).pixels).toEqual(reply.pixels);
    expect(augmentedSamples(data, { count: 3, variants: 4, seed: 10 }).pixels).not.toEqual(reply.pixels);
  });

  it('clamps what it is asked for and refuses data that is not greyscale images', () => {
    expect(augmentedSamples(images(2), { count: 99, variants: 1000, seed: -3 })).toMatchObject({ count: 2, variants: 16 });
    const points: TrainingData = { inputShape: [2], outputUnits: 1, loss: 'meanSquaredError', train: { x: new Float32Array(2), y: new Float32Array(1), count: 1 } };
    expect(() => augmentedSamples(points, {})).toThrow(/Only greyscale images/);
  });

  it('answers through the worker, and says so when no data is loaded', async () => {
    const { client } = connect();
    await expect(client.call('augmentedSamples', { count: 2 })).rejects.toMatchObject({ code: 'noData' });
    await client.call('load', { task: { kind: 'arrays', data: images(3) } });
    const reply = await client.call('augmentedSamples', { count: 2, variants: 3, seed: 1 });
    expect(reply.pixels).toBeInstanceOf(Uint8Array);
    expect(reply.pixels.length).toBe(2 * 3 * 784);
  });
});
