// Lessons 4 and 5 at the session level, on the cpu backend with the widgets' own settings and
// tuning: the MLP fits the sine, the classifier separates the circle and the spiral, the hidden
// layer's view adds up to the model's output, and every train / reset cycle frees its tensors.
import { lessonBound } from '../lessonExercises';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import type { Evaluation, SessionOptions } from '../../src/ml/trainingTypes';
import {
  buildCurveTask,
  curveFitterSettings,
  curveHyper,
  curveModelSpec,
  generatedPoints,
  linspace,
} from '../../src/ml/curveFitting';
import {
  buildPlaygroundTask,
  GRID_RANGE,
  GRID_RESOLUTION,
  playgroundHyper,
  playgroundSettings,
  playgroundSpec,
} from '../../src/ml/classifierPlayground';
import { gridFeatures } from '../../src/ml/features';
import { TOY_TUNING } from '../../src/ml/toyTrainer';
import { manualClock, until, useCpu } from './helpers';

beforeAll(useCpu);

// The tuning both widgets pass to the worker.
const TUNING: Partial<SessionOptions> = TOY_TUNING;

function curveSession(raw: Record<string, unknown>, epochs: number, evaluations: Evaluation[] = [], tuning = TUNING) {
  const { settings } = curveFitterSettings(raw);
  const task = buildCurveTask(generatedPoints(settings, 7), settings.validationPercent / 100, 11);
  const session = new TrainingSession({
    spec: curveModelSpec(settings),
    data: task.data,
    hyper: { ...curveHyper(settings), epochs },
    ...tuning,
    callbacks: { onEvaluate: (e) => evaluations.push(e) },
  });
  return { session, task, settings };
}

function playgroundSession(raw: Record<string, unknown>, epochs: number, evaluations: Evaluation[] = []) {
  const { settings } = playgroundSettings(raw);
  const task = buildPlaygroundTask(settings, 3);
  const session = new TrainingSession({
    spec: playgroundSpec(settings),
    data: task.data,
    hyper: { ...playgroundHyper(settings), epochs },
    ...TUNING,
    callbacks: { onEvaluate: (e) => evaluations.push(e) },
  });
  return { session, task, settings };
}

describe('lesson 4: an MLP fits a curve (cpu)', () => {
  it(`fits the sine with 8 ReLU units to a validation loss under lesson 4's target, in well under 10 s`, async () => {
    const evaluations: Evaluation[] = [];
    const { session } = curveSession(
      { dataset: 'sine', hiddenLayers: 1, units: 8, activation: 'relu', learningRate: 0.01 },
      75,
      evaluations,
    );
    const started = performance.now();
    // 150 epochs: the schema allows at most 100 a run, and a second run carries straight on
    // (same data order, same optimizer state, constant learning rate).
    await session.train();
    expect(session.state).toBe('done');
    await session.train();
    const seconds = (performance.now() - started) / 1000;
    expect(session.state).toBe('done');
    expect(session.step).toBe(150 * 10);
    const last = evaluations.at(-1)!;
    expect(last.endOfEpoch).toBe(true);
    expect(last.valLoss!).toBeLessThan(lessonBound('04-neural-network-curves.md', 'small-sine', 'valLoss', 'below'));
    expect(last.trainLoss).toBeLessThan(0.02);
    expect(evaluations[0].valLoss!).toBeGreaterThan(0.1); // it really learnt something
    expect(seconds).toBeLessThan(10);
    await session.dispose();
  });

  it('cannot fit the sine without a hidden layer: a straight line stays near a loss of 0.5', async () => {
    const evaluations: Evaluation[] = [];
    const { session } = curveSession({ dataset: 'sine', hiddenLayers: 0, learningRate: 0.05 }, 100, evaluations);
    await session.train();
    expect(evaluations.at(-1)!.valLoss!).toBeGreaterThan(0.4);
    await session.dispose();
  });

  it("reports the last hidden layer's outputs and the output weights, which add up to the prediction", async () => {
    const { session } = curveSession({ hiddenLayers: 2, units: 5, activation: 'tanh' }, 3);
    await session.train();
    const grid = linspace(-1.2, 1.2, 200);
    const hidden = (await session.hiddenActivations(grid, 200))!;
    const predicted = await session.predict(grid, 200);
    expect(hidden.units).toBe(5);
    expect(hidden.values).toHaveLength(1000);
    expect(hidden.outputKernel).toHaveLength(5);
    expect(hidden.outputBias).toHaveLength(1);
    for (const v of hidden.values) expect(Math.abs(v)).toBeLessThanOrEqual(1); // tanh
    for (let i = 0; i < 200; i += 37) {
      let sum = hidden.outputBias[0];
      for (let j = 0; j < 5; j++) sum += hidden.values[i * 5 + j] * hidden.outputKernel[j];
      expect(sum).toBeCloseTo(predicted[i], 4);
    }
    // The copies handed out are not the model's own storage.
    hidden.outputKernel.fill(0);
    expect(await session.predict(grid, 200)).toEqual(predicted);
    await session.dispose();
    const { session: line } = curveSession({ hiddenLayers: 0 }, 1);
    expect(await line.hiddenActivations(grid, 200)).toBeNull();
    await line.dispose();
  });
});

describe('lesson 5: a classifier draws decision boundaries (cpu)', () => {
  it('separates the circle above 95 % test accuracy with the lesson defaults', async () => {
    const evaluations: Evaluation[] = [];
    const { session, task } = playgroundSession(
      { dataset: 'circle', hiddenLayers: 2, units1: 4, units2: 2, activation: 'tanh' },
      60,
      evaluations,
    );
    await session.train();
    expect(task.data.loss).toBe('sigmoidCrossEntropy');
    const last = evaluations.at(-1)!;
    expect(last.valAccuracy!).toBeGreaterThan(0.95);
    expect(last.valLoss!).toBeLessThan(0.2);
    // Probabilities on the heat-map grid: the centre is blue (class 1), a far corner orange.
    const p = await session.predict(
      gridFeatures(task.features, GRID_RANGE, GRID_RESOLUTION),
      GRID_RESOLUTION * GRID_RESOLUTION,
    );
    const middle = (GRID_RESOLUTION / 2) * GRID_RESOLUTION + GRID_RESOLUTION / 2;
    expect(p[middle]).toBeGreaterThan(0.9);
    expect(p[0]).toBeLessThan(0.1);
    await session.dispose();
  });

  it(`separates the spiral to a test loss under lesson 5's target with sin features and two layers of 8`, async () => {
    const evaluations: Evaluation[] = [];
    const { session } = playgroundSession(
      { dataset: 'spiral', sinX1: true, sinX2: true, hiddenLayers: 2, units1: 8, units2: 8 },
      40,
      evaluations,
    );
    await session.train();
    expect(Math.min(...evaluations.map((e) => e.valLoss!))).toBeLessThan(lessonBound('05-decision-boundaries.md', 'separate-spiral', 'valLoss', 'below'));
    expect(evaluations.at(-1)!.valAccuracy!).toBeGreaterThan(0.95);
    await session.dispose();
  });
});

describe('the widgets’ training cycles', () => {
  it('evaluate every 10 steps while playing, epoch ends or not, after every Step, and once more on pause', async () => {
    const evaluations: Evaluation[] = [];
    // 22 training points, batch 16: 2 steps an epoch. 51 epochs: 102 steps.
    const { session } = curveSession({ points: 30, hiddenLayers: 1, units: 8 }, 51, evaluations);
    await session.train();
    expect(session.step).toBe(102);
    // The first step at once, then every 10 steps, and the run's last.
    expect(evaluations.map((e) => e.step)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101, 102]);
    await session.trainOneStep();
    await session.trainOneStep();
    expect(evaluations.map((e) => e.step).slice(-2)).toEqual([103, 104]);
    // Paused between two evaluations: the pause evaluates the model as it stands.
    session.setHyperparams({ epochs: 0 });
    void session.train();
    await until(() => session.step >= 130, 'step 130');
    await session.pause();
    expect(evaluations.at(-1)!.step).toBe(session.step);
    const resumed = evaluations.map((e) => e.step).filter((s) => s >= 104);
    expect(resumed.slice(0, -1)).toEqual(resumed.slice(0, -1).map((_, i) => 104 + 10 * i));
    await session.dispose();
  });

  it('with evaluationIntervalMs, evaluate at most that often on tiny data, once more on pause, after every Step, and still yield to the event loop', async () => {
    const evaluations: Evaluation[] = [];
    // The session's clock stands still unless the test moves it.
    const clock = manualClock();
    const interval = { evaluateTrainingSet: true, evaluationsPerEpoch: 1000, evaluationIntervalMs: 250, now: clock.now };
    // 22 training points, batch 16: 2 steps an epoch, and every epoch's end asks whether an evaluation is due.
    const { session } = curveSession({ points: 30, hiddenLayers: 1, units: 8 }, 0, evaluations, interval);
    void session.train();
    const trainOn = async (epochs: number) => {
      const from = session.epochsDone;
      await until(() => session.epochsDone >= from + epochs, `${epochs} more epochs`);
    };
    // The first evaluation is never held back; with the clock still, no other is due, however many epochs pass.
    await trainOn(50);
    expect(evaluations).toHaveLength(1);
    // The loop yields to the event loop after every step: the event loop's next turn comes within a step.
    for (let turn = 0; turn < 20; turn++) {
      const step = session.step;
      await new Promise((resolve) => setImmediate(resolve));
      expect(session.step - step).toBeLessThanOrEqual(1);
    }
    clock.advance(interval.evaluationIntervalMs - 1);
    await trainOn(20);
    expect(evaluations).toHaveLength(1);
    // The interval is up: one evaluation, and no second one until the clock moves again.
    clock.advance(1);
    await until(() => evaluations.length === 2, 'the evaluation due after evaluationIntervalMs');
    await trainOn(20);
    expect(evaluations).toHaveLength(2);
    expect(session.state).toBe('running');
    await session.pause();
    expect(evaluations).toHaveLength(3); // the pause evaluation
    expect(evaluations.at(-1)!.step).toBe(session.step);
    // Each Step shows its loss at once.
    await session.trainOneStep();
    await session.trainOneStep();
    expect(evaluations).toHaveLength(5);
    expect(evaluations.at(-1)!.step).toBe(session.step);
    await session.dispose();
  });

  it.each([
    ['curve fitter', () => curveSession({ hiddenLayers: 2, units: 16 }, 0), 200],
    [
      'classifier playground',
      () =>
        playgroundSession(
          {
            dataset: 'spiral',
            sinX1: true,
            hiddenLayers: 3,
            units3: 6,
            regularization: 'l2',
            regularizationRate: 0.01,
          },
          0,
        ),
      0,
    ],
  ] as const)(
    '%s: tensors return to the baseline after train / predict / pause / step / reset / dispose',
    async (_name, make, gridSize) => {
      const baseline = tf.memory().numTensors;
      const { session, task } = make();
      const fresh = tf.memory().numTensors;
      const inputs = gridSize
        ? linspace(-1, 1, gridSize)
        : gridFeatures((task as { features: string[] }).features, GRID_RANGE, 16);
      const count = gridSize || 256;
      for (let cycle = 0; cycle < 2; cycle++) {
        void session.train();
        await until(() => session.epochsDone >= 2, 'two epochs');
        await session.predict(inputs, count);
        await session.hiddenActivations(inputs, count);
        session.setHyperparams({ learningRate: 0.02, l2: 0.001 });
        await session.pause();
        await session.trainOneStep();
        await session.reset();
        expect(tf.memory().numTensors).toBe(fresh);
      }
      await session.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    },
  );
});
