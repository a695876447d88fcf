// Lesson 10's worker call: the validation set's class probabilities with its labels, in order.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { useCpu } from '../ml/helpers';
import { connect } from './connect';

beforeAll(useCpu);

/** Three classes of 4-pixel "images": class c lights pixel c. 1,100 validation rows, so the call has to chunk. */
function threeClasses(count: number): TrainingData['train'] {
  const x = new Float32Array(count * 4);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = (i * 7) % 3;
    x[i * 4 + y[i]] = 1;
  }
  return { x, y, count };
}

describe('validationProbabilities through the worker protocol', () => {
  it('returns one probability row per validation example, matching predict, with the labels in order', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    const validation = threeClasses(1100);
    await client.call('load', { task: { kind: 'arrays', data: { inputShape: [4], outputUnits: 3, loss: 'softmaxCrossEntropy', train: threeClasses(60), validation } } });
    await client.call('configure', { spec: { layers: [] }, hyper: { ...defaults(TRAINING_SCHEMA), learningRate: 0.1, batchSize: 20, epochs: 3 } });
    await client.call('step', {});

    const reply = await client.call('validationProbabilities', {});
    expect(reply.count).toBe(1100);
    expect(reply.classes).toBe(3);
    expect([...reply.labels]).toEqual([...validation.y]);
    expect(reply.probabilities).toHaveLength(3300);
    for (let i = 0; i < 1100; i++) {
      const row = reply.probabilities.subarray(i * 3, i * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 5);
    }
    // The last chunk's rows are the model's answers for those very examples.
    const tail = await client.call('predict', { x: validation.x.slice(1050 * 4), count: 50 });
    for (let k = 0; k < 150; k++) expect(reply.probabilities[1050 * 3 + k]).toBeCloseTo(tail.values[k], 6);

    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('answers with a clear error when there is no validation set or no classifier', async () => {
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'arrays', data: { inputShape: [4], outputUnits: 3, loss: 'softmaxCrossEntropy', train: threeClasses(30) } } });
    await client.call('configure', { spec: { layers: [] }, hyper: defaults(TRAINING_SCHEMA) });
    await expect(client.call('validationProbabilities', {})).rejects.toThrow(/no validation set/);
    const line = { x: Float32Array.from([0, 1]), y: Float32Array.from([0, 1]), count: 2 };
    await client.call('load', { task: { kind: 'arrays', data: { inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', train: line, validation: line } } });
    await client.call('configure', { spec: { layers: [] }, hyper: defaults(TRAINING_SCHEMA) });
    await expect(client.call('validationProbabilities', {})).rejects.toThrow(/needs a classifier/);
    await client.call('dispose', {});
  });
});
