import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ToyTrainer } from '../../../src/widgets/trainer/ToyTrainer.svelte';
import { CURVE_FITTER } from '../../../src/ml/curveFitting';
import { CLASSIFIER_PLAYGROUND } from '../../../src/ml/classifierPlayground';
import { lossChartSeries } from '../../../src/widgets/charts/lossChartFeed';
import { initialSettings } from '../../../src/ml/toyTrainer';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from './inThreadClient';

beforeAll(useCpu);

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  vi.restoreAllMocks();
});

/** A curve fitter as lesson 4 embeds it. */
function curveFitter(props: Record<string, unknown>, exercises: unknown[] = [], fired: string[] = []) {
  const toy = new ToyTrainer(CURVE_FITTER, { props, exercises, onexercise: () => (id) => fired.push(id), createClient: inThreadClient });
  cleanup = () => toy.dispose();
  return toy;
}

async function settled(toy: { trainer: { busy: boolean; status: string } }): Promise<void> {
  await until(() => !toy.trainer.busy && toy.trainer.status !== 'running');
}

describe('ToyTrainer', () => {
  it('turns a definition into a trainer: lesson props are checked, data and model follow the settings', async () => {
    const before = tf.memory().numTensors;
    const toy = curveFitter({ dataset: 'custom', units: 999, points: 40 });
    expect(toy.settings).toMatchObject({ dataset: 'sine', units: 32, points: 40 });
    expect(toy.notes.join(' ')).toMatch(/changed to 32.*needs a CSV first/);
    expect(toy.task.train.x.length + toy.task.validation.x.length).toBe(40);
    toy.start();
    await settled(toy);
    expect(toy.trainer.summary?.totalParams).toBe(1 * 32 + 32 + 32 + 1);

    // A model key rebuilds the model (a new run) on the same data.
    const run = toy.trainer.progress.runId;
    const task = toy.task;
    toy.change('units', 4);
    await until(() => toy.trainer.summary?.totalParams === 13);
    expect(toy.trainer.progress.runId).toBeGreaterThan(run);
    expect(toy.task).toBe(task);

    // A data key builds a new task; a live key changes the worker's settings without a new run.
    toy.change('points', 60);
    await until(() => toy.task.train.x.length + toy.task.validation.x.length === 60);
    const liveRun = toy.trainer.progress.runId;
    toy.change('learningRate', 0.05);
    await until(() => toy.trainer.hyper?.learningRate === 0.05);
    expect(toy.trainer.progress.runId).toBe(liveRun);
    expect(toy.applied.learningRate).toBe(0.05);
    expect(toy.code).toContain('0.05');

    toy.dispose();
    await until(() => tf.memory().numTensors === before);
  });

  it('ticks only the exercises whose lesson check its figures meet, once each', async () => {
    const fired: string[] = [];
    const toy = curveFitter(
      { hiddenLayers: 1, units: 8 },
      [
        { id: 'any-loss', check: { when: { hiddenUnits: { max: 8 }, trainLoss: { below: 1e6 } } }, doneHtml: 'done' },
        { id: 'too-many-units', check: { when: { hiddenUnits: { min: 9 }, trainLoss: { below: 1e6 } } } },
        { id: 'no-check' },
      ],
      fired,
    );
    toy.start();
    await settled(toy);
    await toy.trainer.stepOnce();
    await until(() => toy.trainer.progress.evaluations.length > 0);
    await toy.trainer.stepOnce();
    await until(() => toy.trainer.progress.evaluations.length > 1);
    expect(fired).toEqual(['any-loss']);
    expect(toy.exercisesDone.map((e) => e.id)).toEqual(['any-loss']);
  });

  it('goes back to the lesson’s settings on request', async () => {
    const toy = curveFitter({ units: 6 });
    toy.start();
    await settled(toy);
    toy.change('units', 20);
    toy.change('noise', 0.5);
    await until(() => toy.applied.units === 20 && toy.applied.noise === 0.5);
    toy.resetSettings();
    await until(() => toy.applied.units === 6);
    expect(toy.settings).toMatchObject({ units: 6, noise: CURVE_FITTER.schema.noise.default });
    expect(toy.trainer.summary?.totalParams).toBe(6 + 6 + 6 + 1);
  });
});

describe('a saved model loaded into a toy trainer', () => {
  it('takes the settings that build it, for every toy definition that can describe it', async () => {
    const { CLASSIFIER_PLAYGROUND } = await import('../../../src/ml/classifierPlayground');
    for (const definition of [CURVE_FITTER, CLASSIFIER_PLAYGROUND] as const) {
      const base = initialSettings(definition as never, {}).settings as Record<string, unknown>;
      // Another network than the lesson's, described by the definition's own settings.
      const other = definition === CURVE_FITTER ? { hiddenLayers: 2, units: 5, activation: 'tanh' } : { hiddenLayers: 3, units1: 7, units2: 3, units3: 2, activation: 'relu' };
      const spec = definition.model({ ...base, ...other } as never);
      const read = definition.settingsFromSpec!(spec);
      expect(definition.model({ ...base, ...read } as never)).toEqual(spec);
    }
    // Layers the fitter cannot show (unequal widths): no settings, and the toy says so.
    expect(CURVE_FITTER.settingsFromSpec!({ layers: [{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 8, activation: 'relu' }] })).toBeNull();
    const toy = curveFitter({ units: 16 });
    toy.adoptModel({ layers: [{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 8, activation: 'relu' }] });
    expect(toy.settings.units).toBe(16);
    expect(toy.notes.join(' ')).toMatch(/cannot be shown with these settings/);
    toy.adoptModel({ layers: [{ type: 'dense', units: 3, activation: 'sigmoid' }] });
    expect(toy.settings).toMatchObject({ hiddenLayers: 1, units: 3, activation: 'sigmoid' });
    expect(toy.applied).toMatchObject({ hiddenLayers: 1, units: 3, activation: 'sigmoid' });
  });
});

describe("lesson 5's loss chart (issue 22, item 8)", () => {
  it('shows a test-loss point every 10 steps however fast the steps come, and the last one at the step shown once paused', async () => {
    // The clock stands still, as on a fast machine where hundreds of steps pass between two ticks
    // of a 250 ms clock: what the chart gets must not depend on how fast the machine trains.
    vi.spyOn(performance, 'now').mockReturnValue(1_000);
    const props = { dataset: 'circle', hiddenLayers: 2, units1: 4, units2: 2, activation: 'tanh', learningRate: 0.03, batchSize: 10 };
    const toy = new ToyTrainer(CLASSIFIER_PLAYGROUND, { props, createClient: inThreadClient });
    cleanup = () => toy.dispose();
    toy.start();
    await settled(toy);
    void toy.trainer.train();
    await until(() => toy.trainer.progress.step >= 250, 30_000);
    await toy.trainer.pause();
    const progress = toy.trainer.progress;
    // The pause's own evaluation may still wait for the page's next batch.
    await until(() => progress.latestEvaluation?.step === progress.step);
    const chart = lossChartSeries(progress.batchLosses, progress.evaluations, progress.markers, 'step');
    const shown = progress.step;
    const testSteps = chart.heldOutLoss.map((p) => p.x);
    expect(chart.batchLoss.at(-1)!.x).toBe(shown);
    expect(testSteps.at(-1), `the chart's test loss ends at step ${testSteps.at(-1)} while the step shown is ${shown}`).toBe(shown);
    expect(testSteps[0]).toBe(1); // the learner sees a test loss at once
    const first250 = testSteps.filter((s) => s <= 250);
    expect(first250.length, `test-loss points in the first 250 steps: ${first250.join(', ')}`).toBeGreaterThanOrEqual(25);
    // Every 10 steps (on a run past 3,000 steps the spacing grows with it: about 300 points a chart).
    const gaps = testSteps.slice(1).map((s, i) => [testSteps[i], s - testSteps[i]]);
    const tooFar = gaps.filter(([from, gap]) => gap > Math.max(10, Math.floor((from + gap) / 300)));
    expect(tooFar, `steps between test-loss points: ${gaps.map(([, gap]) => gap).join(', ')}`).toEqual([]);
  });
});
