// Lesson 7's worker calls: `featureMaps` for one digit and `filters`, through the real protocol,
// during and after training, with every tensor freed.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { defaults } from '../../src/ml/schema';
import { useCpu } from '../ml/helpers';
import { connect } from './connect';

beforeAll(useCpu);

function digit(): Float32Array {
  const x = new Float32Array(784);
  for (let r = 6; r < 22; r++) for (let c = 10; c < 18; c++) x[r * 28 + c] = (r + c) % 3 === 0 ? 1 : 0.2;
  return x;
}

describe('featureMaps and filters through the worker protocol', () => {
  it('answers with maps and filters while training, they change as it learns, and everything is freed', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    await expect(client.call('filters', {})).rejects.toThrow(/No model/);
    await client.call('load', { task: { kind: 'mnist', url: 'data/mnist-10k.bin', trainCount: 512, validationCount: 200 } });
    await client.call('configure', { spec: MNIST_PRESETS.cnn, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 0, batchSize: 32 } });

    const before = await client.call('featureMaps', { x: digit() });
    const filtersBefore = await client.call('filters', {});
    expect(before.layers.map((l) => [l.height, l.width, l.channels])).toEqual([
      [24, 24, 8],
      [12, 12, 8],
      [8, 8, 16],
      [4, 4, 16],
    ]);
    expect(filtersBefore).toMatchObject({ size: 5, inputChannels: 1, count: 8 });
    expect(before.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 4);

    await client.call('train', {});
    // Calls made while the loop runs are answered between batches.
    for (let i = 0; i < 3; i++) expect((await client.call('featureMaps', { x: digit() })).values.length).toBe(before.values.length);
    await new Promise((r) => setTimeout(r, 300));
    await client.call('pause', {});
    const { step } = await client.call('step', {});
    expect(step).toBeGreaterThan(1);

    const after = await client.call('featureMaps', { x: digit() });
    const filtersAfter = await client.call('filters', {});
    expect([...after.values]).not.toEqual([...before.values]);
    expect([...filtersAfter!.values]).not.toEqual([...filtersBefore!.values]);

    await expect(client.call('featureMaps', { x: new Float32Array(10) })).rejects.toThrow(/784 values/);
    await expect(client.call('featureMaps', { x: [1, 2] as unknown as Float32Array })).rejects.toThrow(/784 values/);

    for (let i = 0; i < 25; i++) await client.call('featureMaps', { x: digit() });
    await client.call('reset', {});
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('has no filters for a model without convolutions', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: 'data/mnist-10k.bin', trainCount: 64, validationCount: 100 } });
    await client.call('configure', { spec: MNIST_PRESETS.mlp, hyper: defaults(TRAINING_SCHEMA) });
    expect(await client.call('filters', {})).toBeNull();
    expect((await client.call('featureMaps', { x: digit() })).layers).toEqual([]);
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
