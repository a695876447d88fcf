import { describe, expect, it } from 'vitest';
import { changeLabel, compact, lossPoints } from '../../../src/widgets/trainer/trainingHistory';
import type { StepProgress } from '../../../src/ml/trainingTypes';

const report = (firstStep: number, losses: number[], epoch: number): StepProgress =>
  ({ firstStep, step: firstStep + losses.length, losses, epoch, examplesPerSecond: 1, msPerStep: 1, learningRate: 0.1 }) as StepProgress;

describe('training history', () => {
  it('gives each batch of a report its own point, with the epoch interpolated between reports', () => {
    const points = lossPoints({ step: 0, epoch: 0 }, [report(0, [4, 3], 0.5), report(2, [2, 1], 1)]);
    expect(points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(points.map((p) => p.loss)).toEqual([4, 3, 2, 1]);
    expect(points.map((p) => p.epoch)).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('thins long histories by averaging neighbours, keeping the last point', () => {
    const points = Array.from({ length: 5 }, (_, i) => ({ step: i + 1, epoch: 0, loss: i }));
    expect(compact(points, 10)).toBe(points);
    expect(compact(points, 4)).toEqual([
      { step: 2, epoch: 0, loss: 0.5 },
      { step: 4, epoch: 0, loss: 2.5 },
      { step: 5, epoch: 0, loss: 4 },
    ]);
  });

  it('labels live changes the way the chart marks them', () => {
    expect(changeLabel({ learningRate: 0.0123456, batchSize: 32, optimizer: 'sgd', l2: 0.001 })).toBe('lr 0.0123, batch 32, opt sgd, L2 0.001');
  });
});
