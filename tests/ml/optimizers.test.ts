import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from '../../src/ml/optimizers';
import { OPTIMIZERS, type OptimizerName } from '../../src/ml/hyperparams';
import { HostAdam } from '../../src/ml/wasm/hostAdam';
import { useCpu } from './helpers';

beforeAll(useCpu);

const NAMES = [...OPTIMIZERS.keys()];

/** Steps `optimizer` on loss = Σ (w − target)² from the given start and returns the w after each step. */
function descend(optimizer: tf.Optimizer, w: tf.Variable, steps: number): number[][] {
  const target = tf.tensor1d([1, -2, 3]);
  const path: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar, false, [w]);
    path.push(Array.from(w.dataSync()));
  }
  target.dispose();
  return path;
}

describe('createOptimizer', () => {
  it('builds each optimizer a learner can pick, at the given learning rate', () => {
    const classes: Record<OptimizerName, string> = { sgd: 'SGD', momentum: 'Momentum', adam: 'Adam', rmsprop: 'RMSProp' };
    expect(NAMES).toEqual(Object.keys(classes));
    for (const name of NAMES) {
      const optimizer = createOptimizer(name, 0.02);
      expect(optimizer.getClassName()).toBe(classes[name]);
      expect(optimizer.getConfig()).toMatchObject({ learningRate: 0.02 });
      if (name === 'momentum') expect(optimizer.getConfig()).toMatchObject({ momentum: 0.9 });
      disposeOptimizer(optimizer);
    }
  });

  it('takes the textbook first step: SGD and momentum −lr·g, Adam −lr·sign(g)', () => {
    // g = 2 (w − target) = [−2, 4, −6] at w = 0.
    const firstStep = (name: OptimizerName) => {
      const w = tf.variable(tf.zeros([3]));
      const optimizer = createOptimizer(name, 0.1);
      const [after] = descend(optimizer, w, 1);
      disposeOptimizer(optimizer);
      w.dispose();
      return after;
    };
    for (const name of ['sgd', 'momentum'] as const) expect(firstStep(name).map((v) => +v.toFixed(5))).toEqual([0.2, -0.4, 0.6]);
    expect(firstStep('adam').map((v) => +v.toFixed(4))).toEqual([0.1, -0.1, 0.1]);
  });
});

describe('setOptimizerLearningRate', () => {
  for (const name of NAMES) {
    it(`${name}: the next step uses the new rate and keeps the optimizer's state`, () => {
      // Twins take the same steps; before the last one, one twin's rate goes from 0.01 to 0.03.
      const twins = [0, 1].map(() => ({ w: tf.variable(tf.zeros([3])), optimizer: createOptimizer(name, 0.01) }));
      for (const t of twins) descend(t.optimizer, t.w, 5);
      const before = Array.from(twins[0].w.dataSync());
      const count = tf.memory().numTensors;
      setOptimizerLearningRate(twins[1].optimizer, 0.03);
      expect(tf.memory().numTensors).toBe(count);
      const [kept] = descend(twins[0].optimizer, twins[0].w, 1);
      const [changed] = descend(twins[1].optimizer, twins[1].w, 1);
      // Every update here is proportional to the rate, given the same state (moments, velocity).
      for (let i = 0; i < 3; i++) expect(changed[i] - before[i]).toBeCloseTo(3 * (kept[i] - before[i]), 5);
      // The state carried over: a fresh optimizer at 0.03 would take a different step.
      const fresh = { w: tf.variable(tf.tensor1d(before)), optimizer: createOptimizer(name, 0.03) };
      const [restart] = descend(fresh.optimizer, fresh.w, 1);
      if (name !== 'sgd') expect(Math.max(...restart.map((v, i) => Math.abs(v - changed[i])))).toBeGreaterThan(1e-6);
      for (const t of [...twins, fresh]) {
        disposeOptimizer(t.optimizer);
        t.w.dispose();
      }
    });
  }

  it('refuses an optimizer that does not expose its learning rate', () => {
    expect(() => setOptimizerLearningRate({} as tf.Optimizer, 0.1)).toThrow(/does not expose its learning rate/);
  });
});

describe('disposeOptimizer', () => {
  it('frees every tensor an optimizer made, momentum included (tfjs forgets its learning-rate scalar)', () => {
    const w = tf.variable(tf.zeros([3]));
    const baseline = tf.memory().numTensors;
    for (const name of NAMES) {
      const optimizer = createOptimizer(name, 0.05);
      descend(optimizer, w, 3);
      setOptimizerLearningRate(optimizer, 0.01);
      descend(optimizer, w, 1);
      // HostAdam keeps a small tensor's moments in JavaScript (tests/ml/wasm/hostAdam.test.ts).
      // By class: tfjs's Optimizer answers instanceof for any optimizer.
      if (optimizer.constructor !== HostAdam) expect(tf.memory().numTensors).toBeGreaterThan(baseline);
      disposeOptimizer(optimizer);
      expect({ name, tensors: tf.memory().numTensors }).toEqual({ name, tensors: baseline });
    }
    w.dispose();
  });
});
