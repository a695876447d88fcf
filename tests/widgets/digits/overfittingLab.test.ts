// Lesson 8's overfitting lab as the page runs it: the definition turned into a trainer by
// ToyTrainer, talking to an in-thread worker (cpu backend) that loads the digits itself.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ToyTrainer } from '../../../src/widgets/trainer/ToyTrainer.svelte';
import { OVERFITTING_SCHEMA, accuracyGap, overfittingLab, type OverfittingTask } from '../../../src/ml/overfitting';
import type { ToyTrainerDefinition } from '../../../src/ml/toyTrainer';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';
import { lessonCheck } from '../../lessonExercises';

beforeAll(useCpu);

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const URL = 'http://localhost/data/mnist-10k.bin';

/** The lesson's lab with a small validation split, so the CNN evaluates quickly on the cpu backend. */
function quickLab(): ToyTrainerDefinition<typeof OVERFITTING_SCHEMA, OverfittingTask> {
  const lab = overfittingLab(URL);
  return { ...lab, task: (s) => ({ source: { ...lab.task(s, null).source, validationCount: 100 } as OverfittingTask['source'] }) };
}

function start(props: Record<string, unknown>, fired: string[] = []) {
  const toy = new ToyTrainer(quickLab(), {
    props,
    exercises: [{ id: 'see-the-gap', check: lessonCheck('08-overfitting.md', 'see-the-gap') }],
    onexercise: () => (id) => fired.push(id),
    createClient: inThreadClient,
  });
  cleanup = () => toy.dispose();
  toy.start();
  return toy;
}

describe('the overfitting lab', () => {
  it('asks the worker for the digits it names, on the backend it picks', () => {
    const lab = overfittingLab(URL);
    expect(lab.backend).toBe('auto');
    expect(lab.task({ ...lab.settings?.({}).settings, trainCount: 300, epochs: 5, l2: 0, dropout: 0, augment: false }, null)).toEqual({ source: { kind: 'mnist', url: URL, trainCount: 300 } });
    expect(accuracyGap({ trainAccuracy: 1, valAccuracy: 0.86 })).toBeCloseTo(0.14, 10);
    expect(accuracyGap({ trainAccuracy: 1 })).toBeUndefined();
  });

  it('trains on a subset, measures the gap on the training digits themselves, ticks the lesson check from it, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const fired: string[] = [];
    const toy = start({ trainCount: 64, epochs: 2 }, fired);
    await until(() => !toy.trainer.busy, 30_000);
    expect(toy.trainer.status).toBe('ready');
    await toy.trainer.train();
    await until(() => toy.trainer.status === 'done', 60_000);
    const latest = toy.latest!;
    // Measured on all 64 training digits (a multiple of 1/64), not a running mean of batches.
    expect(Math.round(latest.trainAccuracy! * 64)).toBeCloseTo(latest.trainAccuracy! * 64, 6);
    const figures = toy.figures();
    expect(figures.gap).toBeCloseTo(latest.trainAccuracy! - latest.valAccuracy!, 10);
    expect(figures.epoch).toBe(2);
    expect(figures.trainCount).toBe(64);
    // The lesson's check: training accuracy of 95 % or more with a gap over 10 points, on at most 200 digits, at any evaluation.
    const met = toy.trainer.progress.evaluations.some((e) => (accuracyGap(e) ?? 0) >= 0.1 && (e.trainAccuracy ?? 0) >= 0.95);
    expect(fired).toEqual(met ? ['see-the-gap'] : []);

    // The augmentation strip: originals first, then moved versions, the labels of the digits.
    const samples = await toy.trainer.ask.augmentedSamples(3, 4, 7);
    expect(samples).toMatchObject({ count: 3, variants: 4 });
    expect(samples.pixels.length).toBe(3 * 4 * 784);
    expect(samples.labels.length).toBe(3);

    toy.dispose();
    cleanup = null;
    await until(() => tf.memory().numTensors === before);
  });

  it('loads new digits when the subset size changes, keeps live settings in the run, and frees every tensor when stopped mid-run', async () => {
    const before = tf.memory().numTensors;
    const toy = start({ trainCount: 64, epochs: 20 });
    await until(() => !toy.trainer.busy, 30_000);
    const run = toy.trainer.progress.runId;
    toy.change('augment', true);
    await until(() => toy.applied.augment === true);
    expect(toy.trainer.hyper?.augment).toBe(true);
    expect(toy.trainer.progress.runId).toBe(run);
    expect(toy.code).toContain('tf.image.transform');

    toy.change('trainCount', 96);
    await until(() => toy.applied.trainCount === 96 && toy.trainer.status === 'ready', 30_000);
    expect(toy.trainer.progress.runId).toBeGreaterThan(run);
    expect(toy.task.source).toMatchObject({ kind: 'mnist', trainCount: 96 });
    await toy.trainer.train();
    await until(() => toy.trainer.progress.step >= 2, 30_000);
    await toy.trainer.pause();
    expect(toy.trainer.progress.epoch).toBeLessThan(20);
    toy.dispose();
    cleanup = null;
    await until(() => tf.memory().numTensors === before);
  });
});
