import { beforeAll, describe, expect, it } from 'vitest';
import { LineFitterState } from '../../../src/widgets/line/LineFitterState.svelte';
import { addPoint } from '../../../src/widgets/line/scatterEditing';
import { defaults } from '../../../src/ml/schema';
import { LINE_FITTER_SCHEMA, lineFromWeights, type LineFitterSettings } from '../../../src/ml/lineFit';
import { generateLine } from '../../../src/ml/toyData';
import { leastSquaresLine } from '../../../src/ml/leastSquares';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';

beforeAll(useCpu);

function settings(overrides: Partial<LineFitterSettings> = {}): LineFitterSettings {
  return { ...defaults(LINE_FITTER_SCHEMA), stepsPerSecond: 120, ...overrides };
}

// As lessons 2 and 3 give them in their frontmatter: which figure, which bound.
const exercises = [
  { id: 'hand-fit', check: { when: { handMse: { below: 0.05 } } } },
  { id: 'diverge', check: { when: { diverged: true } } },
  { id: 'fast', check: { when: { convergedStep: { below: 50 } } } },
  { id: 'descent', check: { when: { converged: true } } },
];

async function workerLine(fitter: LineFitterState) {
  return lineFromWeights(await fitter.trainer.readWeights());
}

describe('LineFitterState', () => {
  it('by hand only: no worker, the loss follows the knobs, and the hand-fit exercise fires once under 0.05', async () => {
    const fired: string[] = [];
    const fitter = new LineFitterState(settings({ mode: 'hand' }), exercises, () => (id) => fired.push(id), {
      createClient: () => {
        throw new Error('hand mode must not start a worker');
      },
    });
    await fitter.start();
    const points = generateLine({ count: 30, slope: 2, intercept: -0.5, noise: 0.15, seed: 1 });
    expect(Array.from(fitter.points.x)).toEqual(Array.from(points.x));
    expect(fitter.mse).toBeGreaterThan(1);
    fitter.setLineByHand({ slope: 1, intercept: 0 });
    expect(fired).toEqual([]);
    const best = leastSquaresLine(points);
    fitter.setLineByHand({ slope: +best.slope.toFixed(2), intercept: +best.intercept.toFixed(2) });
    expect(fitter.mse).toBeLessThan(0.05);
    expect(fitter.handFitDone).toBe(true);
    fitter.setLineByHand({ slope: +best.slope.toFixed(2), intercept: +best.intercept.toFixed(1) });
    expect(fired).toEqual(['hand-fit']);
    fitter.dispose();
  });

  it('sends hand-set lines to the worker, descends from them, and ticks the convergence exercises', async () => {
    const fired: string[] = [];
    const fitter = new LineFitterState(settings({ learningRate: 0.5 }), exercises, () => (id) => fired.push(id), { createClient: inThreadClient });
    await fitter.start();
    await until(() => fitter.trainer.status === 'ready' && fitter.path.length === 1);
    expect(await workerLine(fitter)).toEqual({ slope: 0, intercept: 0 });

    fitter.setLineByHand({ slope: -1, intercept: 1.5 });
    await until(() => fitter.path.length === 1 && fitter.path[0].slope === -1);
    expect(await workerLine(fitter)).toEqual({ slope: -1, intercept: 1.5 });

    await fitter.trainer.train();
    await until(() => fitter.convergence !== null);
    expect(fitter.convergence).toMatchObject({ fast: true });
    expect(fired).toEqual(['fast', 'descent']);
    await fitter.trainer.pause();
    await until(() => fitter.lineSource === 'descent');
    expect(fitter.path.length).toBeGreaterThan(3);
    expect(fitter.path[0]).toMatchObject({ step: 0, slope: -1, intercept: 1.5 });
    expect(fitter.mse).toBeLessThan(fitter.best.mse * 1.011);
    fitter.dispose();
  });

  it('ticks the descent exercise when Play starts from a hand fit already at the best line, without calling it fast (issue 22, item 3)', async () => {
    const fired: string[] = [];
    const fitter = new LineFitterState(settings({ learningRate: 0.2 }), exercises, () => (id) => fired.push(id), { createClient: inThreadClient });
    await fitter.start();
    await until(() => fitter.trainer.status === 'ready' && fitter.path.length === 1);
    const best = leastSquaresLine(generateLine({ count: 30, slope: 2, intercept: -0.5, noise: 0.15, seed: 1 }));
    fitter.setLineByHand({ slope: best.slope, intercept: best.intercept });
    await until(() => fitter.path.length === 1 && fitter.path[0].slope === best.slope);
    await fitter.trainer.train();
    await until(() => fitter.convergence !== null);
    expect(fitter.convergence).toMatchObject({ alreadyThere: true, fast: false });
    expect(fired).toEqual(['hand-fit', 'descent']);
    fitter.dispose();
  });

  it('Play pressed right after a knob moved, before the line reached the worker, still descends from the new line (issue 22, item 3, found by the course test)', async () => {
    const fired: string[] = [];
    const fitter = new LineFitterState(settings({ learningRate: 0.2 }), exercises, () => (id) => fired.push(id), { createClient: inThreadClient });
    await fitter.start();
    await until(() => fitter.trainer.status === 'ready' && fitter.path.length === 1);
    fitter.setLineByHand({ slope: 1, intercept: 0.5 });
    // At once, as a learner's click can: the line's sync (a reset, then the new weights) is still to come.
    await fitter.trainer.train();
    await until(() => fitter.convergence !== null, 30_000);
    expect(fitter.path[0]).toMatchObject({ slope: 1, intercept: 0.5 });
    expect(fired).toContain('descent');
    fitter.dispose();
  });

  it('trains on edited points from the current line after a data change', async () => {
    const fitter = new LineFitterState(settings({ learningRate: 0.25 }), {}, () => undefined, { createClient: inThreadClient });
    await fitter.start();
    await until(() => fitter.trainer.status === 'ready' && fitter.path.length === 1);
    fitter.setLineByHand({ slope: 0.5, intercept: 0.25 });
    const edited = addPoint(fitter.points, 0.9, -3);
    fitter.commitPoints(edited);
    expect(fitter.count).toBe(31);
    expect(fitter.dataSource).toBe('generated, then edited');
    await until(() => fitter.path.length === 1 && fitter.path[0].slope === 0.5 && fitter.trainer.status === 'ready');
    await new Promise((r) => setTimeout(r, 100)); // let the throttled sync settle
    await fitter.trainer.stepOnce();
    const stepped = (await workerLine(fitter))!;
    // One full-batch gradient step on the 31 points, worked out here in float64.
    let gm = 0;
    let gb = 0;
    for (let i = 0; i < 31; i++) {
      const r = 0.5 * edited.x[i] + 0.25 - edited.y[i];
      gm += (2 * r * edited.x[i]) / 31;
      gb += (2 * r) / 31;
    }
    expect(stepped.slope).toBeCloseTo(0.5 - 0.25 * gm, 5);
    expect(stepped.intercept).toBeCloseTo(0.25 - 0.25 * gb, 5);
    fitter.dispose();
  });

  it('after a divergence fires its exercise and puts the run’s starting line back', async () => {
    const fired: string[] = [];
    const fitter = new LineFitterState(settings({ learningRate: 5, startSlope: 0.5, startIntercept: 0.5 }), exercises, () => (id) => fired.push(id), { createClient: inThreadClient });
    await fitter.start();
    await until(() => fitter.trainer.status === 'ready' && fitter.path.length === 1);
    await fitter.trainer.train();
    await until(() => fitter.trainer.progress.divergence !== null);
    expect(fired).toEqual(['diverge']);
    await until(() => fitter.line.slope === 0.5 && fitter.line.intercept === 0.5);
    expect(await workerLine(fitter)).toEqual({ slope: 0.5, intercept: 0.5 });
    expect(Number.isFinite(fitter.mse)).toBe(true);
    // A sane rate carries on from there.
    await fitter.setLearningRate(0.5);
    await fitter.trainer.train();
    await until(() => fitter.convergence !== null);
    expect(fired).toContain('fast');
    fitter.dispose();
  });
});
