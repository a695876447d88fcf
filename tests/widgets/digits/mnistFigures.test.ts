// Lesson 9's challenge, as the digit trainer checks it: the lesson's own check (read from its
// frontmatter), the tracker the widget uses, and the figures the widget reports at each evaluation.
import { describe, expect, it } from 'vitest';
import { ExerciseTracker } from '../../../src/widgets/trainer/ExerciseTracker.svelte';
import { bestWithin, mnistFigures } from '../../../src/widgets/digits/mnistFigures';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import type { Evaluation } from '../../../src/ml/trainingTypes';
import { lessonBound, lessonCheck } from '../../lessonExercises';

const LESSON = '09-tuning.md';
const hyper = { ...defaults(TRAINING_SCHEMA), schedule: 'oneCycle' as const };

function evaluation(epoch: number, valAccuracy: number): Evaluation {
  return { step: Math.round(epoch * 125), epoch, trainLoss: 0.1, trainAccuracy: 0.99, valLoss: 0.07, valAccuracy, endOfEpoch: Number.isInteger(epoch) };
}

function challengeTracker(fired: string[]): ExerciseTracker {
  return new ExerciseTracker([{ id: 'challenge', check: lessonCheck(LESSON, 'challenge') }], () => (id) => fired.push(id));
}

describe("lesson 9's challenge in the digit trainer", () => {
  const target = lessonBound(LESSON, 'challenge', 'valAccuracy', 'min');
  const epochs = lessonBound(LESSON, 'challenge', 'epoch', 'max');

  it('ticks once, when an evaluation within the epochs reaches the target', () => {
    const fired: string[] = [];
    const tracker = challengeTracker(fired);
    tracker.update(mnistFigures(evaluation(1, target - 0.02), hyper, 'cnn'));
    tracker.update(mnistFigures(evaluation(epochs - 0.25, target - 0.001), hyper, 'cnn'));
    expect(fired).toEqual([]);
    tracker.update(mnistFigures(evaluation(epochs, target), hyper, 'cnn'));
    expect(fired).toEqual(['challenge']);
    tracker.update(mnistFigures(evaluation(epochs, target + 0.005), hyper, 'cnn'));
    expect(fired).toEqual(['challenge']);
    expect(tracker.done.map((e) => e.id)).toEqual(['challenge']);
  });

  it('does not tick when the target is reached only after the allowed epochs', () => {
    const fired: string[] = [];
    const tracker = challengeTracker(fired);
    tracker.update(mnistFigures(evaluation(epochs + 0.25, target + 0.01), hyper, 'cnn'));
    tracker.update(mnistFigures(evaluation(epochs + 1, target + 0.01), hyper, 'custom'));
    expect(fired).toEqual([]);
  });

  it('reports the settings and model with the figures, and the best evaluation within the epochs', () => {
    const figures = mnistFigures(evaluation(2.5, 0.97), { ...hyper, batchSize: 128 }, 'mlp');
    expect(figures).toMatchObject({ epoch: 2.5, valAccuracy: 0.97, batchSize: 128, schedule: 'oneCycle', model: 'mlp', step: 313 });
    const run = [evaluation(1, 0.95), evaluation(2, 0.975), evaluation(3, 0.972), evaluation(3.25, 0.99)];
    expect(bestWithin(run, 3)?.epoch).toBe(2);
    expect(bestWithin(run, undefined)?.epoch).toBe(3.25);
    expect(bestWithin([], 3)).toBeNull();
  });
});
