import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import type { DivergenceReport } from '../../src/ml/trainingTypes';
import { generateLine } from '../../src/ml/toyData';
import { leastSquaresLine, meanSquaredError } from '../../src/ml/leastSquares';
import { checkValues, defaults } from '../../src/ml/schema';
import {
  LINE_FITTER_SCHEMA,
  LINE_SPEC,
  bestLine,
  convergenceVerdict,
  explainDivergence,
  formatLoss,
  isConverged,
  lineFromWeights,
  lineHyperparams,
  lineToWeights,
  lineTrainingData,
  parameterHalfRange,
  stableLearningRateLimit,
} from '../../src/ml/lineFit';
import type { SessionEvent } from '../../src/worker/protocol';
import { useCpu } from './helpers';
import { connect } from '../worker/connect';

beforeAll(useCpu);

const points = generateLine({ count: 30, slope: 2, intercept: -0.5, noise: 0.15, seed: 1 });

function session(learningRate: number, callbacks: ConstructorParameters<typeof TrainingSession>[0]['callbacks'] = {}): TrainingSession {
  return new TrainingSession({
    spec: LINE_SPEC,
    data: lineTrainingData(points),
    hyper: lineHyperparams(learningRate, points.x.length),
    evaluateTrainingSet: true,
    reportWeights: true,
    callbacks,
  });
}

/** Single steps, as the Step button takes them; stops early if the session diverges. */
async function steps(s: TrainingSession, n: number): Promise<void> {
  for (let i = 0; i < n && s.state !== 'diverged'; i++) await s.trainOneStep();
}

describe('fitting a line by gradient descent (cpu, full-batch SGD)', () => {
  it('ends on the least-squares line to 1e-3, from a hand-set start, and reports the weights it went through', async () => {
    const reported: number[][][] = [];
    const s = session(0.5, { onStep: (p) => p.weights && reported.push(p.weights) });
    s.writeWeights(lineToWeights({ slope: -1, intercept: 2 }));
    await steps(s, 120);
    const fitted = lineFromWeights(await s.readWeights())!;
    const best = leastSquaresLine(points);
    expect(Math.abs(fitted.slope - best.slope)).toBeLessThan(1e-3);
    expect(Math.abs(fitted.intercept - best.intercept)).toBeLessThan(1e-3);
    expect(reported).toHaveLength(120);
    // The first step moves away from the hand-set line, downhill.
    const first = lineFromWeights(reported[0])!;
    expect(meanSquaredError(points, first.slope, first.intercept)).toBeLessThan(meanSquaredError(points, -1, 2));
    await s.dispose();
  });

  it('detects divergence at a huge learning rate (5), pauses and restores finite weights', async () => {
    const diverged: DivergenceReport[] = [];
    const s = session(5, { onDiverged: (r) => diverged.push(r) });
    s.writeWeights(lineToWeights({ slope: 0, intercept: 0 }));
    await steps(s, 20);
    expect(diverged).toHaveLength(1);
    expect(diverged[0].learningRate).toBe(5);
    expect(diverged[0].message).toMatch(/learning rate/);
    expect(s.state).toBe('diverged');
    const restored = await s.readWeights();
    expect(restored.every((w) => w.every(Number.isFinite))).toBe(true);
    // Lowering the rate recovers from where it stopped.
    s.setHyperparams({ learningRate: 0.5 });
    await s.trainOneStep();
    expect(s.state).toBe('paused');
    await steps(s, 100);
    const fitted = lineFromWeights(await s.readWeights())!;
    expect(fitted.slope).toBeCloseTo(leastSquaresLine(points).slope, 2);
    await s.dispose();
  });

  it('does not report divergence at a sane learning rate (0.1), even from a poor start', async () => {
    const diverged: DivergenceReport[] = [];
    const s = session(0.1, { onDiverged: (r) => diverged.push(r) });
    s.writeWeights(lineToWeights({ slope: -8, intercept: 8 }));
    await steps(s, 100);
    expect(diverged).toEqual([]);
    expect(s.state).toBe('paused');
    await s.dispose();
  });

  it('converges within 1 % in under 50 steps at 0.5 but not at 0.01: the lesson-3 exercise is reachable and not trivial', async () => {
    const { mse: optimum } = bestLine(points);
    const stepsToConverge = async (lr: number): Promise<number | null> => {
      const s = session(lr);
      s.writeWeights(lineToWeights({ slope: 0, intercept: 0 }));
      let found: number | null = null;
      for (let k = 1; k <= 60 && found === null; k++) {
        await s.trainOneStep();
        const line = lineFromWeights(await s.readWeights())!;
        if (isConverged(meanSquaredError(points, line.slope, line.intercept), optimum)) found = k;
      }
      await s.dispose();
      return found;
    };
    expect(await stepsToConverge(0.5)).toBeLessThan(50);
    expect(await stepsToConverge(0.01)).toBeNull();
  });

  it('leaves no tensors behind across the widget’s train / hand-set / reset cycle', async () => {
    const before = tf.memory().numTensors;
    const s = session(0.3);
    s.stepsPerSecond = 200; // paced, as the widget trains
    const afterBuild = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      s.writeWeights(lineToWeights({ slope: round, intercept: -round }));
      const run = s.train();
      await new Promise((r) => setTimeout(r, 20));
      await s.pause();
      await run;
      await steps(s, 3);
      s.setHyperparams({ learningRate: 5 });
      await steps(s, 10); // diverges, restores
      s.setHyperparams({ learningRate: 0.3 });
      await s.reset();
      expect(tf.memory().numTensors).toBe(afterBuild);
    }
    await s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the worker side of a data change (load + configure, keeping the line)', () => {
  it('reports progress again after a reset (the widget resets before every run from a hand-set line)', async () => {
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'arrays', data: lineTrainingData(points) } });
    await client.call('configure', { spec: LINE_SPEC, hyper: lineHyperparams(0.5, 30), tuning: { reportWeights: true, stepsPerSecond: 100 } });
    await client.call('train', {});
    await new Promise((r) => setTimeout(r, 50));
    await client.call('reset', {});
    const steps: number[] = [];
    client.onEvent((e) => e.kind === 'step' && steps.push(e.progress.step));
    await client.call('setWeights', { values: lineToWeights({ slope: 0, intercept: 0 }) });
    await client.call('train', {});
    await new Promise((r) => setTimeout(r, 150));
    await client.call('pause', {});
    expect(steps.length).toBeGreaterThan(2);
    expect(steps[0]).toBe(1); // counted from the reset, not carried over
    await client.call('dispose', {});
  });

  it('reloads data repeatedly, trains paced with weights in every report, and frees everything', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    const tuning = { reportWeights: true, stepsPerSecond: 200, evaluateTrainingSet: true };
    const weightsSeen: number[][][] = [];
    client.onEvent((e: SessionEvent) => {
      if (e.kind === 'step' && e.progress.weights) weightsSeen.push(e.progress.weights);
    });
    for (const count of [30, 31, 12]) {
      const data = generateLine({ count, slope: 1, intercept: 0, noise: 0.1, seed: count });
      await client.call('load', { task: { kind: 'arrays', data: lineTrainingData(data) } });
      await client.call('configure', { spec: LINE_SPEC, hyper: lineHyperparams(0.5, count), tuning });
      await client.call('setWeights', { values: lineToWeights({ slope: 0.25, intercept: 0.75 }) });
      expect(lineFromWeights((await client.call('weights', {})).values)).toEqual({ slope: 0.25, intercept: 0.75 });
      await client.call('train', {});
      await new Promise((r) => setTimeout(r, 60));
      await client.call('pause', {});
      await client.call('reset', {});
    }
    expect(weightsSeen.length).toBeGreaterThan(3);
    expect(weightsSeen.every((w) => lineFromWeights(w) !== null)).toBe(true);
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('line fitter helpers', () => {
  it('checks lesson props against the schema, clamping and explaining', () => {
    const { values, messages } = checkValues(LINE_FITTER_SCHEMA, { learningRate: 50, count: 5000, mode: 'fast', noise: '0.3' });
    expect(values).toMatchObject({ learningRate: 10, count: 1000, mode: 'both', noise: 0.3 });
    expect(messages).toHaveLength(3);
    expect(defaults(LINE_FITTER_SCHEMA).stepsPerSecond).toBe(20);
  });

  it('builds a full-batch SGD task for the points', () => {
    const data = lineTrainingData(points);
    expect(data).toMatchObject({ inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', train: { count: 30 } });
    expect(Array.from(data.train.x)).toEqual(Array.from(points.x));
    expect(lineHyperparams(0.2, 30)).toMatchObject({ learningRate: 0.2, batchSize: 30, optimizer: 'sgd', epochs: 0, schedule: 'constant' });
  });

  it('reads and writes (m, b) as the weights of a 1→1 dense layer', () => {
    const w = lineToWeights({ slope: 1.5, intercept: -2 });
    expect(lineFromWeights(w)).toEqual({ slope: 1.5, intercept: -2 });
    expect(lineFromWeights([[1, 2], [3]])).toBeNull();
    expect(lineFromWeights(null)).toBeNull();
  });

  it('judges convergence relative to the optimum, and only counts runs that had work to do', () => {
    expect(isConverged(1.0099, 1)).toBe(true);
    expect(isConverged(1.02, 1)).toBe(false);
    expect(isConverged(5e-7, 0)).toBe(true);
    expect(isConverged(NaN, 1)).toBe(false);
    expect(convergenceVerdict(3, 1.005, 1, 12)).toBe('fast');
    expect(convergenceVerdict(3, 1.005, 1, 50)).toBe('slow');
    expect(convergenceVerdict(1.001, 1.001, 1, 2)).toBe('started');
    expect(convergenceVerdict(3, 1.5, 1, 10)).toBe('not-yet');
  });

  it('spans the best line and the start in a square window', () => {
    expect(parameterHalfRange({ slope: 2, intercept: -0.5 })).toBe(4);
    expect(parameterHalfRange({ slope: 0.1, intercept: 0.1 })).toBe(3);
    expect(parameterHalfRange({ slope: 50, intercept: 1 })).toBe(76);
    expect(parameterHalfRange({ slope: 0, intercept: 0 }, { slope: 0, intercept: 6 })).toBe(10);
    expect(parameterHalfRange({ slope: NaN, intercept: 0 })).toBe(3);
  });

  it('works out the learning rate where gradient descent starts to diverge, and it matches the session', async () => {
    const limit = stableLearningRateLimit(points);
    expect(limit).toBeGreaterThan(0.9);
    expect(limit).toBeLessThan(1.1);
    // Wider x values make the valley steeper and the limit lower.
    const wide = { x: points.x.map((x) => x * 10), y: points.y };
    expect(stableLearningRateLimit(wide)).toBeLessThan(0.03);
    const diverges = async (lr: number) => {
      let diverged = false;
      const s = session(lr, { onDiverged: () => (diverged = true) });
      s.writeWeights(lineToWeights({ slope: 0, intercept: 0 }));
      await steps(s, 250);
      await s.dispose();
      return diverged;
    };
    expect(await diverges(limit * 0.95)).toBe(false);
    expect(await diverges(limit * 1.2)).toBe(true);
  });

  it('explains a divergence with the numbers, the learning rate and what to press', () => {
    const text = explainDivergence({ step: 4, reason: 'runaway', loss: 123456, firstLoss: 1.767, learningRate: 5, message: '', restoredStep: 1 }, 0.9996);
    expect(text).toMatch(/^At step 4 the loss jumped to 1\.23e\+5, from 1\.767 at the start\./);
    expect(text).toMatch(/learning rate of 5, each step overshoots/);
    expect(text).toMatch(/line from step 1 is kept/);
    expect(text).toMatch(/anything above about 0\.99 diverges/);
    expect(text).toMatch(/press Play, or press Reset/);
    expect(explainDivergence({ step: 2, reason: 'nonFinite', loss: null, firstLoss: 1, learningRate: 9, message: '', restoredStep: 0 }, Infinity)).toMatch(
      /^At step 2 the loss stopped being a number at all\..*Try a smaller learning rate and press Play/,
    );
  });

  it('formats losses for reading', () => {
    expect(formatLoss(0.0231)).toBe('0.0231');
    expect(formatLoss(1.6)).toBe('1.6');
    expect(formatLoss(100)).toBe('100');
    expect(formatLoss(1234.5)).toBe('1235');
    expect(formatLoss(2.5e6)).toBe('2.50e+6');
    expect(formatLoss(0)).toBe('0');
    expect(formatLoss(NaN)).toBe('not a number');
    expect(formatLoss(Infinity)).toBe('infinite');
  });
});
