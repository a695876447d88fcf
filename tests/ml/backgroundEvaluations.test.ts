// Validation passes on another thread (src/ml/backgroundEvaluations.ts): training goes on while
// they run, each is reported under the step whose weights it measured, the run's last one is
// waited for, and a failing evaluator leaves the session evaluating in line.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import { evaluateSet } from '../../src/ml/evaluation';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import type { Evaluation } from '../../src/ml/trainingTypes';
import { digitsTask, laggingEvaluator, useCpu } from './helpers';

beforeAll(useCpu);

const SPEC = MNIST_PRESETS.mlp;

describe('evaluations on another thread', () => {
  it('let training go on, and report each under the step whose weights they measured', async () => {
    const data = await digitsTask(640, 100);
    const evaluations: Evaluation[] = [];
    const fake = laggingEvaluator(SPEC, data, () => session, 3);
    const session: TrainingSession = new TrainingSession({
      spec: SPEC,
      data,
      hyper: { ...defaults(TRAINING_SCHEMA), epochs: 2, batchSize: 32 },
      evaluationsPerEpoch: 2,
      reportPredictions: true,
      validationEvaluator: fake.evaluator,
      callbacks: { onEvaluate: (e) => evaluations.push({ ...e }) },
    });
    await session.train();
    expect(session.state).toBe('done');
    const midRun = fake.calls.filter((c) => c.answeredAt! >= c.atStep + 3);
    // Training went on while the evaluator worked (how many fit in depends on timing: the evaluator gets a share of the time)…
    expect(midRun.length).toBeGreaterThanOrEqual(1);
    // …and each evaluation is reported under the step it measured, not the step it arrived at.
    expect(evaluations.map((e) => e.step)).toEqual(fake.calls.map((c) => c.atStep));
    expect(evaluations.every((e) => e.valAccuracy! > 0.3 && e.predictions?.length === 100)).toBe(true);
    // The run's last evaluation is of the final weights, at the end of the last epoch.
    const last = evaluations.at(-1)!;
    expect(last).toMatchObject({ step: session.step, endOfEpoch: true, epoch: 2 });
    await session.dispose();
    expect(fake.released()).toBe(true);
    fake.dispose();
  });

  it('give the same figures as an evaluation in line of the same weights', async () => {
    const data = await digitsTask(320, 100);
    const figures: Evaluation[] = [];
    const fake = laggingEvaluator(SPEC, data, () => session, 0);
    const session: TrainingSession = new TrainingSession({ spec: SPEC, data, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 1, batchSize: 32 }, validationEvaluator: fake.evaluator, callbacks: { onEvaluate: (e) => figures.push(e) } });
    await session.train();
    const inLine = await session.inspect((model) => evaluateSet(model, data, data.validation!, false));
    expect(figures.at(-1)!.valAccuracy).toBe(inLine.accuracy);
    expect(figures.at(-1)!.valLoss).toBeCloseTo(inLine.loss, 5);
    await session.dispose();
    fake.dispose();
  });

  it('fall back to evaluating in line when the evaluator fails, and leave no tensor behind', async () => {
    const data = await digitsTask(320, 100);
    const before = tf.memory().numTensors;
    const evaluations: Evaluation[] = [];
    let calls = 0;
    let released = false;
    const session = new TrainingSession({
      spec: SPEC,
      data,
      hyper: { ...defaults(TRAINING_SCHEMA), epochs: 2, batchSize: 32 },
      evaluationsPerEpoch: 2,
      validationEvaluator: {
        evaluate: async () => {
          calls++;
          throw new Error('the evaluation worker stopped');
        },
        release: () => void (released = true),
      },
      callbacks: { onEvaluate: (e) => evaluations.push(e) },
    });
    await session.train();
    expect(session.state).toBe('done');
    expect(calls).toBe(1);
    expect(released).toBe(true);
    expect(evaluations.length).toBeGreaterThanOrEqual(2);
    expect(evaluations.every((e) => e.valAccuracy !== undefined && e.offThreadMs === undefined)).toBe(true);
    expect(evaluations.at(-1)).toMatchObject({ step: session.step, endOfEpoch: true });
    await session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
