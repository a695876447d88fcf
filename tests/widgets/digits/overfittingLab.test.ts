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
import type { TrainingClient } from '../../../src/worker/TrainingClient';

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

function start(props: Record<string, unknown>, fired: string[] = [], createClient = inThreadClient) {
  const toy = new ToyTrainer(quickLab(), {
    props,
    exercises: [{ id: 'see-the-gap', check: lessonCheck('08-overfitting.md', 'see-the-gap') }],
    onexercise: () => (id) => fired.push(id),
    createClient,
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

/** An in-thread client that runs `before(type)` as each request leaves the page (the learner acting at that moment). */
function clientActingOn(before: (type: string) => void): () => TrainingClient {
  return () => {
    const client = inThreadClient();
    const call = client.call.bind(client);
    client.call = ((type, request, options) => {
      before(type);
      return call(type, request, options);
    }) as TrainingClient['call'];
    return client;
  };
}

describe('the overfitting lab while new digits load (issue 22, item 5: a typed value is what the run uses)', () => {
  // The 8,000 and 200 digits, scaled down for the cpu backend: 160 (5 steps an epoch in
  // batches of 32), then a typed 64 (2 steps an epoch).
  /** The lab on 160 digits, trained a little and paused; `onLoad` runs when new digits are asked for. */
  async function pausedOnMany(onLoad: () => void) {
    const toy = start({ trainCount: 160, epochs: 30 }, [], clientActingOn((type) => type === 'load' && onLoad()));
    await until(() => !toy.trainer.busy, 60_000);
    await toy.trainer.train();
    await until(() => toy.trainer.progress.step > 0, 60_000);
    await toy.trainer.pause();
    return toy;
  }

  it('Play pressed while the typed digits load trains on them, never on the ones before', async () => {
    let press: (() => void) | null = null;
    const toy = await pausedOnMany(() => press?.());
    const before = toy.trainer.progress.runId;
    toy.trainer.progress.flush();
    let stepsOnMany = 0;
    toy.trainer.progress.onSteps((steps) => {
      if (toy.trainer.progress.runId === before) stepsOnMany += steps.length;
    });
    press = () => {
      press = null;
      void toy.trainer.train();
    };
    toy.change('trainCount', 64);
    // The rebuild and whatever it started are done. (Before the fix the old model trained on
    // meanwhile and the new digits never finished loading: the load timed out after 60 s.)
    await toy.trainer.enqueue(async () => undefined);
    expect(stepsOnMany).toBe(0);
    expect(toy.applied.trainCount).toBe(64);
    expect(toy.settings.trainCount).toBe(64);
    expect(toy.trainer.status).toBe('running');
    // 64 digits in batches of 32 are 2 steps an epoch (160 are 5).
    await until(() => toy.trainer.progress.step >= 3, 60_000);
    expect(toy.trainer.progress.epoch).toBeGreaterThan(1);
    await toy.trainer.pause();
  }, 180_000);

  it('Pause pressed while the typed digits load stays paused', async () => {
    let press: (() => void) | null = null;
    const toy = await pausedOnMany(() => press?.());
    await toy.trainer.train();
    await until(() => toy.trainer.status === 'running', 60_000);
    press = () => {
      press = null;
      void toy.trainer.pause();
    };
    toy.change('trainCount', 64);
    await toy.trainer.enqueue(async () => undefined); // the rebuild is done
    expect(toy.applied.trainCount).toBe(64);
    const step = toy.trainer.progress.step;
    await toy.trainer.readWeights(); // a round trip: anything training would have reported by now
    expect(toy.trainer.status).not.toBe('running');
    expect(toy.trainer.progress.step).toBe(step);
  }, 180_000);

  it('typed, paused, then Reset and Play: the run trains on what was typed and the field still says so', async () => {
    const toy = await pausedOnMany(() => undefined);
    toy.change('trainCount', 64);
    await toy.trainer.enqueue(async () => undefined); // the rebuild is done
    await toy.trainer.reset();
    await toy.trainer.train();
    await until(() => toy.trainer.progress.step >= 3, 60_000);
    await toy.trainer.pause();
    expect(toy.trainer.progress.epoch).toBeGreaterThan(1);
    expect(toy.settings.trainCount).toBe(64);
    expect(toy.applied.trainCount).toBe(64);
    expect(toy.task.source).toMatchObject({ trainCount: 64 });
    await toy.trainer.train(); // resume
    await until(() => toy.trainer.progress.step >= 5, 60_000);
    await toy.trainer.pause();
    expect(toy.trainer.progress.epoch).toBeGreaterThan(2);
    expect(toy.settings.trainCount).toBe(64);
  }, 180_000);
});
