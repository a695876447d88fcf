// The guard's collapse path on a real run: SGD at learning rate 10 on digits (issue 11: it ran its
// epochs at chance with nothing said). The run pauses, says why in the learner's words, and puts
// back the best weights it had.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingSession } from '../../src/ml/TrainingSession';
import { DivergenceGuard } from '../../src/ml/divergence';
import { buildModel } from '../../src/ml/models';
import { deadAfterCollapse, type DivergenceReport, type Evaluation } from '../../src/ml/trainingTypes';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';
import { digitsTask, laggingEvaluator, useCpu } from './helpers';

beforeAll(useCpu);

const digits = (trainCount: number, valCount = 200) => digitsTask(trainCount, valCount);

const hyper = (o: Partial<Hyperparams>): Hyperparams => ({
  ...defaults(TRAINING_SCHEMA),
  epochs: 3,
  batchSize: 32,
  ...o,
});

describe('a collapsed run', () => {
  // Evaluated in line, or on another thread while training goes on (the best weights are then the ones that evaluation measured).
  it.each([
    ['in line', false],
    ['on another thread', true],
  ])('pauses with the collapse explained and restores the best weights it had (evaluated %s)', async (_, elsewhere) => {
    const data = await digits(640);
    const before = tf.memory().numTensors;
    const evaluations: Evaluation[] = [];
    const reports: DivergenceReport[] = [];
    const fake = elsewhere ? laggingEvaluator(MNIST_PRESETS.mlp, data, () => session, 2) : null;
    // A sane start, then the learning rate goes to 10 once the model has learnt something.
    const session: TrainingSession = new TrainingSession({
      spec: MNIST_PRESETS.mlp,
      data,
      hyper: hyper({ optimizer: 'sgd', learningRate: 0.1 }),
      evaluationsPerEpoch: 4,
      validationEvaluator: fake?.evaluator,
      callbacks: { onEvaluate: (e) => evaluations.push(e), onDiverged: (r) => reports.push(r) },
    });
    session.setHyperparams({ epochs: 1 });
    await session.train();
    const learnt = Math.max(...evaluations.map((e) => e.valAccuracy!));
    expect(learnt).toBeGreaterThan(0.5);
    session.setHyperparams({ learningRate: 10, epochs: 3 });
    await session.train();
    expect(session.state).toBe('diverged');
    expect(reports).toHaveLength(1);
    expect(reports[0].reason).toBe('collapse');
    expect(reports[0].chance).toBe(0.1);
    expect(reports[0].message).toMatch(
      /Training collapsed: validation accuracy fell to [\d.]+ %, no better than guessing \(10\.0 %\)/,
    );
    expect(reports[0].message).toMatch(/Try a learning rate 10 to 100× smaller, or switch to Adam/);
    // The restored weights score what the best evaluation scored.
    const restored = evaluations.find((e) => e.step === reports[0].restoredStep)!;
    expect(restored.valAccuracy).toBe(Math.max(...evaluations.map((e) => e.valAccuracy!)));
    const validation = data.validation!;
    const predictions = await session.predict(validation.x, validation.count);
    let right = 0;
    for (let i = 0; i < validation.count; i++) {
      const row = predictions.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === validation.y[i]) right++;
    }
    expect(right / validation.count).toBeCloseTo(restored.valAccuracy!, 2);
    await session.dispose();
    fake?.dispose();
    if (fake) expect(fake.calls.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not stop a slow but healthy run', async () => {
    const data = await digits(320);
    const reports: DivergenceReport[] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.linear,
      data,
      hyper: hyper({ optimizer: 'sgd', learningRate: 0.002, epochs: 3 }),
      evaluationsPerEpoch: 4,
      callbacks: { onDiverged: (r) => reports.push(r) },
    });
    await session.train();
    expect(session.state).toBe('done');
    expect(reports).toEqual([]);
    await session.dispose();
  });

  it('goes back to the weights an evaluation on another thread measured, not the model’s weights when it arrived', async () => {
    const model = buildModel(MNIST_PRESETS.linear, [28, 28, 1], 10);
    const measured = model.getWeights().map((w) => new Float32Array(w.size).fill(0.25));
    const guard = new DivergenceGuard(1e4);
    const evaluation: Evaluation = {
      step: 7,
      epoch: 0.5,
      trainLoss: 1,
      valLoss: 1,
      valAccuracy: 0.8,
      endOfEpoch: false,
    };
    expect(guard.watch(evaluation, model, 7, 10, measured)).toBeNull();
    expect(guard.restore(model, 'collapse')).toBe(7);
    for (const w of model.getWeights()) expect(Array.from(w.dataSync()).every((v) => v === 0.25)).toBe(true);
    guard.reset();
    model.dispose();
  });
});

describe('after a collapse whose restored weights score no better than guessing (issue 22, item 9)', () => {
  const report = (chance?: number) => ({
    step: 300,
    reason: 'collapse' as const,
    loss: 2.3,
    firstLoss: 2.3,
    learningRate: 10,
    message: '',
    restoredStep: 250,
    chance,
  });
  const at = (step: number, valAccuracy: number) => ({ step, epoch: 1, trainLoss: 1, endOfEpoch: false, valAccuracy });

  it('finds the restored weights’ evaluation at chance, which calls for a fresh start', () => {
    expect(deadAfterCollapse(report(0.1), [at(200, 0.35), at(250, 0.6), at(300, 0.1), at(250, 0.107)])).toMatchObject({
      step: 250,
      valAccuracy: 0.107,
    });
  });

  it('leaves restored weights that do better than guessing, and other divergences, alone', () => {
    expect(deadAfterCollapse(report(0.1), [at(250, 0.6), at(300, 0.1)])).toBeNull();
    expect(deadAfterCollapse(report(0.1), [at(300, 0.1)])).toBeNull();
    expect(deadAfterCollapse(report(undefined), [at(250, 0.1)])).toBeNull();
    expect(deadAfterCollapse({ ...report(0.1), reason: 'runaway' }, [at(250, 0.1)])).toBeNull();
  });
});
