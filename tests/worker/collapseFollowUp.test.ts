// After a collapse, the page is sent a fresh measurement of the restored weights, so it shows what
// the model now scores instead of the last evaluation before the collapse.
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/ml/TrainingSession';
import type { DivergenceReport, Evaluation } from '../../src/ml/trainingTypes';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { CollapseFollowUp } from '../../src/worker/collapseFollowUp';
import { digitsTask, useCpu } from '../ml/helpers';

beforeAll(useCpu);

describe('CollapseFollowUp', () => {
  it('measures the restored best weights after a collapse: their accuracy, at their step and epoch', async () => {
    const followUp = new CollapseFollowUp();
    const evaluations: Evaluation[] = [];
    const reports: DivergenceReport[] = [];
    const session = new TrainingSession({
      spec: MNIST_PRESETS.mlp,
      data: await digitsTask(640, 200),
      hyper: { ...defaults(TRAINING_SCHEMA), epochs: 3, batchSize: 32, optimizer: 'sgd', learningRate: 0.1 },
      evaluationsPerEpoch: 4,
      callbacks: {
        onEvaluate: (e) => {
          evaluations.push(e);
          followUp.note(e);
        },
        onDiverged: (r) => reports.push(r),
      },
    });
    while (evaluations.length < 4) await session.trainOneStep();
    session.setHyperparams({ learningRate: 10 });
    await session.train();
    expect(reports.map((r) => r.reason)).toEqual(['collapse']);
    const last = evaluations.at(-1)!;
    const best = evaluations.find((e) => e.step === reports[0].restoredStep)!;
    expect(best.valAccuracy).toBeGreaterThan(last.valAccuracy!); // what the page showed last is not what it has now

    const measured = await followUp.measure(session, reports[0], { reportPredictions: true });
    expect(measured).toMatchObject({ step: best.step, epoch: best.epoch, trainLoss: best.trainLoss });
    expect(measured!.valAccuracy).toBeCloseTo(best.valAccuracy!, 6);
    expect(measured!.predictions).toHaveLength(200);
    // Not for a blow-up, and not once training went on from the restored step.
    expect(await followUp.measure(session, { ...reports[0], reason: 'runaway' }, {})).toBeNull();
    await session.trainOneStep();
    expect(await followUp.measure(session, reports[0], {})).toBeNull();
    await session.dispose();
  });
});
