// Lesson 6's worker calls through the typed protocol: the baseline where the digits live, and
// the ladder's rungs on the loaded training split.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { averageDigits, nearestAverageAccuracy } from '../../src/ml/pixelSimilarity';
import { stratifiedSplit } from '../../src/ml/mnist';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { defaults } from '../../src/ml/schema';
import { LADDER_RUNGS } from '../../src/ml/ladder/ladder';
import { loadAssetFromDisk, useCpu } from '../ml/helpers';
import { connect } from './connect';

beforeAll(useCpu);

const URL_ = 'data/mnist-10k.bin';

describe('lesson 6 worker calls', () => {
  it('answers noData before the digits are loaded, and on toy data', async () => {
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await expect(client.call('pixelBaseline', {})).rejects.toMatchObject({ code: 'noData' });
    await expect(client.call('ladderRung', { rung: 'fit', settings: {} })).rejects.toMatchObject({ code: 'noData' });
    const x = new Float32Array(8);
    await client.call('load', { task: { kind: 'arrays', data: { inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', train: { x, y: x, count: 8 } } } });
    await expect(client.call('pixelBaseline', {})).rejects.toMatchObject({ code: 'noData' });
    await client.call('dispose', {});
  });

  it('computes the baseline on the loaded split: the same averages and accuracy as the core', async () => {
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: URL_ } });
    const reply = await client.call('pixelBaseline', {});
    const data = await loadAssetFromDisk();
    const split = stratifiedSplit(data.labels, 2000, 1234);
    const model = averageDigits(data, split.train);
    expect(reply.trainCount).toBe(8000);
    expect(reply.validationCount).toBe(2000);
    expect(reply.averages).toHaveLength(7840);
    expect(reply.averages).toEqual(model.averages);
    expect(Array.from(reply.counts)).toEqual(Array.from(model.counts));
    expect(reply.accuracy.rootMeanSquare).toBe(nearestAverageAccuracy(data, split.validation, model, 'rootMeanSquare'));
    expect(reply.accuracy.meanAbsolute).toBeLessThan(reply.accuracy.rootMeanSquare);
    await client.call('dispose', {});
  });

  it('runs each rung on the same run: losses agree, bad requests get clear messages, nothing leaks', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: URL_ } });
    await client.call('configure', { spec: MNIST_PRESETS.linear, hyper: defaults(TRAINING_SCHEMA) });
    const settings = { steps: 12, batchSize: 16, learningRate: 0.3, seed: 5 };
    const curves: number[][] = [];
    for (const rung of LADDER_RUNGS.keys()) {
      const reply = await client.call('ladderRung', { rung, settings });
      expect(reply.settings).toEqual(settings);
      expect(reply.losses).toHaveLength(12);
      expect(reply.ms).toBeGreaterThan(0);
      curves.push(reply.losses);
    }
    for (const curve of curves) curve.forEach((loss, s) => expect(Math.abs(loss - curves[0][s])).toBeLessThan(1e-4));

    await expect(client.call('ladderRung', { rung: 'keras' as never, settings })).rejects.toMatchObject({ code: 'badRequest', message: /no ladder rung "keras"/ });
    await expect(client.call('ladderRung', { rung: 'fit', settings: { ...settings, steps: 1e6 } })).rejects.toMatchObject({ code: 'badRequest', message: /Steps must be from 1 to 200/ });
    await expect(client.call('ladderRung', { rung: 'fit', settings: { ...settings, batchSize: 256, seed: 1 } })).resolves.toBeTruthy();
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
