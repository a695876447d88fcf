import { beforeAll, describe, expect, it } from 'vitest';
import * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { MNIST_PRESETS, describeModel, type ModelSpec } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';
import { scheduledLearningRate } from '../../src/ml/schedules';
import { findLearningRate } from '../../src/ml/lrFinder';
import { generateCode } from '../../src/ml/codegen';
import { digitsTask, useCpu } from './helpers';

beforeAll(useCpu);

const hyper = (o: Partial<Hyperparams> = {}): Hyperparams => ({ ...defaults(TRAINING_SCHEMA), ...o });

const mnist = (trainCount: number, valCount = 64) => digitsTask(trainCount, valCount);

/** y = 3x − 1 with a little noise: a problem whose good learning rates are known. */
function line(count = 128): TrainingData {
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x[i] = (i / count) * 2 - 1;
    y[i] = 3 * x[i] - 1 + 0.05 * Math.sin(i * 12.9898);
  }
  return { inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', train: { x, y, count } };
}

describe('live changes while training', () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`changing the learning rate 200 times during a ${optimizer} run leaves tf.memory().numTensors unchanged`, async () => {
      const data = await mnist(320);
      const session = new TrainingSession({ spec: MNIST_PRESETS.mlp, data, hyper: hyper({ optimizer, epochs: 0, batchSize: 16 }), readEvery: 1 });
      const seen: number[] = [];
      // Two steps in, the session holds its steady state: optimizer slots, a restore point and a candidate.
      await session.trainOneStep();
      await session.trainOneStep();
      const baseline = tf.memory().numTensors;
      for (let i = 0; i < 200; i++) {
        const lr = 0.001 * (1 + (i % 7));
        session.setHyperparams({ learningRate: lr });
        await session.trainOneStep();
        seen.push(lr);
      }
      expect(tf.memory().numTensors).toBe(baseline);
      expect(session.hyperparams.learningRate).toBe(seen.at(-1));
      await session.dispose();
    });

    it(`a new learning rate set between ${optimizer} steps scales the very next weight update`, async () => {
      // Two identical sessions (same seed, data order and optimizer state) take the same step,
      // one at 4× the rate: for SGD and Adam alike the update is proportional to the rate.
      const data = await mnist(128);
      const make = () => new TrainingSession({ spec: MNIST_PRESETS.linear, data, hyper: hyper({ optimizer, epochs: 0, batchSize: 32, learningRate: 0.001 }), readEvery: 1 });
      const [same, faster] = [make(), make()];
      const update = async (session: TrainingSession) => {
        const before = await session.readWeights();
        await session.trainOneStep();
        const after = await session.readWeights();
        return after.flatMap((w, i) => Array.from(w, (v, j) => v - before[i][j]));
      };
      for (const s of [same, faster]) for (let i = 0; i < 3; i++) await s.trainOneStep();
      faster.setHyperparams({ learningRate: 0.004 });
      same.setHyperparams({ learningRate: 0.001 });
      const [small, large] = [await update(same), await update(faster)];
      const size = (d: number[]) => Math.hypot(...d);
      expect(size(small)).toBeGreaterThan(0);
      expect(size(large) / size(small)).toBeCloseTo(4, 2);
      for (let i = 0; i < small.length; i += 997) expect(large[i]).toBeCloseTo(4 * small[i], 5);
      await Promise.all([same.dispose(), faster.dispose()]);
    });
  }

  it('switching optimizers 50 times keeps the weights and leaks no tensors', async () => {
    const data = await mnist(256);
    const before = tf.memory().numTensors;
    const session = new TrainingSession({ spec: MNIST_PRESETS.mlp, data, hyper: hyper({ epochs: 0, batchSize: 32 }) });
    const names = ['sgd', 'momentum', 'adam', 'rmsprop'];
    await session.trainOneStep();
    const countAfterFirst = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const before = await session.readWeights();
      session.setHyperparams({ optimizer: names[i % 4] });
      // The weights carry over to the new optimizer: nothing is re-initialised.
      const after = await session.readWeights();
      expect(after.map((w) => Array.from(w))).toEqual(before.map((w) => Array.from(w)));
      await session.trainOneStep();
    }
    // Optimizers create their slots lazily on the first step: compare like with like.
    expect(Math.abs(tf.memory().numTensors - countAfterFirst)).toBeLessThanOrEqual(2 * 4);
    await session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('announces each change with the step it takes effect at', async () => {
    const data = await mnist(128);
    const changes: { step: number; keys: string[] }[] = [];
    const session = new TrainingSession({ spec: MNIST_PRESETS.linear, data, hyper: hyper({ epochs: 0 }), callbacks: { onHyperChange: (c) => changes.push({ step: c.step, keys: Object.keys(c.changes) }) } });
    await session.trainOneStep();
    await session.trainOneStep();
    session.setHyperparams({ learningRate: 0.01, batchSize: 8 });
    session.setHyperparams({ learningRate: 0.01 }); // no change: no announcement
    expect(changes).toEqual([{ step: 2, keys: ['learningRate', 'batchSize'] }]);
    await session.dispose();
  });

  it('answers with the settings just asked for while running, though they apply at the next step', async () => {
    const data = await mnist(128);
    let changedAt = -1;
    const session = new TrainingSession({ spec: MNIST_PRESETS.linear, data, hyper: hyper({ epochs: 0 }), callbacks: { onHyperChange: (c) => (changedAt = c.step) } });
    const run = session.train();
    expect(session.state).toBe('running');
    session.setHyperparams({ learningRate: 0.02 });
    expect(session.hyperparams.learningRate).toBe(0.02);
    expect(changedAt).toBe(-1); // queued, not applied in the middle of a step
    await session.pause();
    await run;
    const next = session.step;
    await session.trainOneStep();
    expect(changedAt).toBe(next);
    expect(session.hyperparams.learningRate).toBe(0.02);
    await session.dispose();
  });
});

describe('schedules', () => {
  it('one-cycle warms up to the peak at 30 % and anneals to ~peak/25e4', () => {
    const total = 1000;
    const lrs = Array.from({ length: total + 1 }, (_, s) => scheduledLearningRate('oneCycle', 0.01, s, 100, total));
    expect(lrs[0]).toBeCloseTo(0.01 / 25, 8);
    const peak = lrs.indexOf(Math.max(...lrs));
    expect(peak).toBe(300);
    expect(lrs[300]).toBeCloseTo(0.01, 8);
    expect(lrs[total]).toBeCloseTo(0.01 / 25e4, 10);
    for (let s = 1; s <= 300; s++) expect(lrs[s]).toBeGreaterThanOrEqual(lrs[s - 1]);
    for (let s = 301; s <= total; s++) expect(lrs[s]).toBeLessThanOrEqual(lrs[s - 1]);
  });

  it('step decay halves the rate each epoch', () => {
    expect([0, 99, 100, 250].map((s) => scheduledLearningRate('stepDecay', 0.1, s, 100, 1000))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });
});

describe('learning-rate finder', () => {
  it('suggests a learning rate on the falling part of its curve, without touching the trainer', async () => {
    const data = line();
    const before = tf.memory().numTensors;
    const result = await findLearningRate({ spec: { layers: [] }, data, optimizer: 'sgd', batchSize: 32, steps: 150, minLr: 1e-4, maxLr: 10 });
    expect(tf.memory().numTensors).toBe(before);
    const i = result.suggestionIndex;
    const minIndex = result.losses.indexOf(Math.min(...result.losses));
    expect(i).toBeGreaterThan(0);
    expect(i).toBeLessThan(minIndex);
    // Falling: the loss a few points later is lower than a few points earlier.
    expect(result.losses[Math.min(minIndex, i + 3)]).toBeLessThan(result.losses[Math.max(0, i - 3)]);
    // And it is a learning rate that actually trains this problem.
    expect(result.suggestion).toBeGreaterThan(1e-3);
    expect(result.suggestion).toBeLessThan(2);
    // The sweep stopped once the loss exploded rather than running into NaN.
    expect(result.losses.every(Number.isFinite)).toBe(true);
  });
});

describe('learning-rate finder options', () => {
  it('checks its sweep against LR_FINDER_SCHEMA: at least 20 steps over at least one decade', async () => {
    const result = await findLearningRate({ spec: { layers: [] }, data: line(), optimizer: 'sgd', batchSize: 32, steps: 5, minLr: -1, maxLr: 1e-9 });
    expect(result.learningRates).toHaveLength(20);
    expect(result.learningRates[0]).toBeCloseTo(1e-8, 12);
    expect(result.learningRates.at(-1)).toBeCloseTo(1e-7, 12);
  });
});

describe('divergence guard', () => {
  it('fires on a planted blow-up, pauses, and restores finite weights', async () => {
    const data = line();
    const reports: string[] = [];
    const session = new TrainingSession({
      spec: { layers: [{ type: 'dense', units: 8, activation: 'relu' }] },
      data,
      hyper: hyper({ optimizer: 'sgd', learningRate: 0.05, batchSize: 128, epochs: 0 }),
      readEvery: 5,
      callbacks: { onDiverged: (r) => reports.push(r.message) },
    });
    for (let i = 0; i < 20; i++) await session.trainOneStep();
    const mse = async () => {
      const out = await session.predict(data.train.x, data.train.count);
      return out.reduce((sum, v, i) => sum + (v - data.train.y[i]) ** 2, 0) / data.train.count;
    };
    const errorBefore = await mse();
    session.setHyperparams({ learningRate: 10 }); // the planted blow-up
    const run = session.train();
    await run;
    expect(session.state).toBe('diverged');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/learning rate .* too large/);
    const restored = await session.readWeights();
    for (const w of restored) for (const v of w) expect(Number.isFinite(v)).toBe(true);
    // Restored to a calm state: the model fits the line about as well as before the blow-up.
    expect(await mse()).toBeLessThan(2 * errorBefore + 0.05);
    // Lower the rate and it trains again.
    session.setHyperparams({ learningRate: 0.05 });
    await session.trainOneStep();
    expect(session.state).toBe('paused');
    await session.dispose();
  });
});

describe('health view', () => {
  it('reports the gradient norm only while the health view is on, and the dead ReLUs of each layer', async () => {
    const data = await mnist(128);
    const progress: { gradientNorm?: number; deadRelu?: unknown[] }[] = [];
    const spec: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 16, activation: 'relu' }] };
    const session = new TrainingSession({ spec, data, hyper: hyper({ epochs: 0 }), callbacks: { onStep: (p) => progress.push(p) } });
    await session.trainOneStep();
    expect(progress[0].gradientNorm).toBeUndefined();
    session.health = true;
    await session.trainOneStep();
    expect(progress[1].gradientNorm).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    // A constructed case: layer 2 is killed outright (zero kernel, negative bias), so layer 3 sees
    // only zeros and its output is its bias, positive for 4 of its 16 units.
    const weights = (await session.readWeights()).map((w) => Float32Array.from(w));
    weights[0].fill(0);
    weights[1].fill(-1);
    weights[3] = Float32Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 0.5 : -0.5));
    session.writeWeights(weights);
    expect(await session.deadReluFractions()).toEqual([
      { layer: '2: Dense', fraction: 1 },
      { layer: '3: Dense', fraction: 0.75 },
    ]);
    // One unit of layer 2 revived (a positive bias): it outputs > 0 for every example.
    weights[1][5] = 1;
    session.writeWeights(weights);
    const revived = await session.deadReluFractions();
    expect(revived[0].fraction).toBeCloseTo(31 / 32, 6);
    expect(tf.memory().numTensors).toBe(before);
    await session.dispose();
  });
});

describe('show me the code', () => {
  const cases: [string, ModelSpec, Partial<Hyperparams>][] = [
    ['cnn with one-cycle', MNIST_PRESETS.cnn, { schedule: 'oneCycle', optimizer: 'adam' }],
    ['mlp with L2 and step decay', { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'tanh' }, { type: 'dropout', rate: 0.2 }] }, { l2: 0.001, schedule: 'stepDecay', optimizer: 'sgd' }],
    ['linear with momentum', MNIST_PRESETS.linear, { optimizer: 'momentum' }],
  ];
  for (const [name, spec, overrides] of cases) {
    it(`runs in Node with tfjs and builds the trainer's parameter count (${name})`, async () => {
      const h = hyper({ epochs: 1, batchSize: 8, ...overrides });
      const code = generateCode({ spec, inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', hyper: h, dataDescription: 'MNIST digits' });
      const body = code.replace(/^import .*$/m, '').replace(/^export /gm, '');
      const module = new Function('tf', `${body}\nreturn { buildModel, train };`)(tfjs) as { buildModel: () => tfjs.LayersModel; train: (x: tfjs.Tensor, y: tfjs.Tensor) => Promise<tfjs.LayersModel> };
      const model = module.buildModel();
      expect(model.countParams()).toBe(describeModel(spec, [28, 28, 1], 10).totalParams);
      model.dispose();
      const xs = tfjs.randomUniform([20, 28, 28, 1]);
      const ys = tfjs.oneHot(tfjs.tensor1d(Array.from({ length: 20 }, (_, i) => i % 10), 'int32'), 10);
      const logs: unknown[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => logs.push(args);
      try {
        const trained = await module.train(xs, ys);
        trained.dispose();
      } finally {
        console.log = log;
      }
      expect(logs).toHaveLength(1);
      tfjs.dispose([xs, ys]);
    });
  }
});
