import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { gatherDigits, stratifiedSplit } from '../../src/ml/mnist';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';
import { loadAssetFromDisk, until, useCpu } from './helpers';

beforeAll(useCpu);

async function smallMnist(trainCount = 600, valCount = 200): Promise<TrainingData> {
  const data = await loadAssetFromDisk();
  const split = stratifiedSplit(data.labels, 2000, 1);
  const train = gatherDigits(data, split.train.subarray(0, trainCount));
  const val = gatherDigits(data, split.validation.subarray(0, valCount));
  return {
    inputShape: [28, 28, 1],
    outputUnits: 10,
    loss: 'softmaxCrossEntropy',
    train: { ...train, count: trainCount },
    validation: { ...val, count: valCount },
  };
}

function hyper(overrides: Partial<Hyperparams> = {}): Hyperparams {
  return { ...defaults(TRAINING_SCHEMA), ...overrides };
}

describe('TrainingSession on MNIST (cpu backend)', () => {
  it('reports the first step of a run at once, then every readEvery steps', async () => {
    const data = await smallMnist(320, 50);
    const reported: number[][] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.linear,
      data,
      hyper: hyper({ epochs: 1, batchSize: 32 }),
      readEvery: 4,
      readIntervalMs: 1e9,
      callbacks: { onStep: (p) => reported.push(p.losses.map((_, i) => p.step - p.losses.length + i + 1)) },
    });
    await session.train();
    // Step 1 alone, then batches of four; the epoch's end flushes what is left.
    expect(reported[0]).toEqual([1]);
    expect(reported[1]).toEqual([2, 3, 4, 5]);
    await session.dispose();
  });

  it('fires callbacks in order and the loss goes down on a small subset', async () => {
    const data = await smallMnist();
    const events: string[] = [];
    const losses: number[] = [];
    const accuracies: number[] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.mlp,
      data,
      hyper: hyper({ epochs: 3, batchSize: 32, learningRate: 0.005 }),
      reportPredictions: true,
      callbacks: {
        onStateChange: (s) => events.push(`state:${s}`),
        onStep: (p) => {
          events.push('step');
          losses.push(...p.losses);
          expect(p.examplesPerSecond).toBeGreaterThan(0);
        },
        onEvaluate: (e) => {
          events.push(e.endOfEpoch ? 'epoch' : 'eval');
          if (e.valAccuracy !== undefined) accuracies.push(e.valAccuracy);
          if (e.endOfEpoch) expect(e.predictions?.length).toBe(200);
        },
      },
    });
    await session.train();
    expect(session.state).toBe('done');
    expect(session.epochsDone).toBe(3);
    expect(session.step).toBe(3 * Math.ceil(600 / 32));
    expect(events[0]).toBe('state:running');
    expect(events.at(-1)).toBe('state:done');
    expect(events.at(-2)).toBe('epoch');
    expect(events.filter((e) => e === 'epoch')).toHaveLength(3);
    // Steps come before the evaluation that summarises them.
    expect(events.indexOf('step')).toBeLessThan(events.indexOf('eval'));
    expect(losses).toHaveLength(session.step);
    const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.5);
    expect(accuracies.at(-1)!).toBeGreaterThan(0.75);
    await session.dispose();
  });

  it('returns tf.memory().numTensors to its baseline after train / pause / step / reset / dispose, optimizers included', async () => {
    const data = await smallMnist(256, 64);
    const baseline = tf.memory().numTensors;
    for (const optimizer of ['adam', 'sgd', 'momentum', 'rmsprop'] as const) {
      const session = new TrainingSession({ spec: MNIST_PRESETS.mlp, data, hyper: hyper({ optimizer, epochs: 0, batchSize: 16 }), readEvery: 3 });
      const training = session.train();
      await until(() => session.step >= 4, 'four steps');
      await session.pause();
      await training;
      expect(session.state).toBe('paused');
      await session.trainOneStep();
      await session.predict(new Float32Array(2 * 784), 2);
      await session.reset();
      await session.trainOneStep();
      await session.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }
  });

  it('a session resumed mid-run (another backend) keeps its step, epoch and epoch target: a 2-epoch run ends at epoch 2, not 2 more', async () => {
    const data = await smallMnist(320, 64);
    const epochs: number[] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.linear,
      data,
      hyper: hyper({ epochs: 2, batchSize: 64 }),
      resume: { step: 7, epochsDone: 1, epochProgress: 0.4, targetEpochs: 2 },
      callbacks: { onStep: (p) => epochs.push(p.epoch) },
    });
    expect(session.epochProgress).toBeCloseTo(0.4, 5);
    await session.train();
    expect(session.state).toBe('done');
    expect(session.epochsDone).toBe(2);
    expect(session.step).toBe(7 + 3); // the rest of epoch 2: 3 of its 5 batches
    expect(Math.min(...epochs)).toBeGreaterThan(1.4); // never back to 0.x
    await session.dispose();
  });

  it('"train more" after a finished one-cycle run gets a cycle of its own, not the end of the old one', async () => {
    const data = await smallMnist(320, 64);
    const rates: { step: number; lr: number }[] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.linear,
      data,
      hyper: hyper({ epochs: 1, batchSize: 32, learningRate: 0.01, schedule: 'oneCycle' }),
      readEvery: 1,
      callbacks: { onStep: (p) => rates.push({ step: p.step, lr: p.learningRate }) },
    });
    await session.train();
    const firstRunEnd = rates.at(-1)!.lr;
    expect(firstRunEnd).toBeLessThan(0.001); // one-cycle ends near 0
    await session.train(); // train more: another epoch
    expect(session.epochsDone).toBe(2);
    const second = rates.filter((r) => r.step > 10);
    expect(Math.max(...second.map((r) => r.lr))).toBeGreaterThan(0.009); // warmed up to the peak again
    expect(second[0].lr).toBeLessThan(0.002); // from a 25th of it
    await session.dispose();
  });

  it('pause stops the loop; train resumes from the same step', async () => {
    const data = await smallMnist(256, 64);
    const session = new TrainingSession({ spec: MNIST_PRESETS.linear, data, hyper: hyper({ epochs: 0, batchSize: 16 }), readEvery: 2 });
    const run = session.train();
    await until(() => session.step >= 4, 'four steps');
    await session.pause();
    expect(session.state).toBe('paused');
    const stepAtPause = session.step;
    // A running loop trains a step at each turn of the event loop (it yields after every one):
    // a few turns on, nothing more has been trained.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(session.step).toBe(stepAtPause);
    await run;
    await session.trainOneStep();
    expect(session.step).toBe(stepAtPause + 1);
    await session.reset();
    expect(session.step).toBe(0);
    expect(session.state).toBe('idle');
    await session.dispose();
  });

  it('reset gives the same start as a fresh session with the same seed', async () => {
    const data = await smallMnist(128, 32);
    const session = new TrainingSession({ spec: MNIST_PRESETS.mlp, data, hyper: hyper({ epochs: 1, batchSize: 32 }) });
    const before = await session.predict(data.validation!.x.subarray(0, 784), 1);
    await session.train();
    const trained = await session.predict(data.validation!.x.subarray(0, 784), 1);
    await session.reset();
    const after = await session.predict(data.validation!.x.subarray(0, 784), 1);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(Array.from(trained)).not.toEqual(Array.from(before));
    await session.dispose();
  });
});
