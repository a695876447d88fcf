import { describe, expect, it } from 'vitest';
import { EvaluationSchedule } from '../../src/ml/evaluation';
import { ReportBuffer } from '../../src/ml/reportBuffer';
import { tf } from '../../src/ml/tf';
import { useCpu } from './helpers';

/** Simulates a run: a step takes `stepMs`, an evaluation `evalMs`; returns the share of time spent evaluating. */
function simulate(schedule: EvaluationSchedule, steps: number, stepMs: number, evalMs: number, stepsPerEpoch: number) {
  let now = 0;
  let evaluating = 0;
  let evaluations = 0;
  for (let i = 0; i < steps; i++) {
    now += stepMs;
    schedule.countStep();
    if (schedule.stepsDue(stepsPerEpoch) && schedule.timeDue(false, now)) {
      schedule.started(now);
      now += evalMs;
      evaluating += evalMs;
      evaluations++;
      schedule.finished(now);
    }
  }
  return { share: evaluating / now, evaluations };
}

describe('the evaluation schedule', () => {
  it('without a budget evaluates perEpoch times an epoch, whatever an evaluation costs', () => {
    const r = simulate(new EvaluationSchedule(4, 0), 384, 12, 150, 125); // about 3 epochs of lesson 1, a quarter epoch = 32 steps
    expect(r.evaluations).toBe(12);
    expect(r.share).toBeGreaterThan(0.2); // today's cost on a slow machine
  });

  it('with a 5 % budget spaces slow evaluations out so they take at most 5 % of the time (after the first)', () => {
    const r = simulate(new EvaluationSchedule(4, 0, 0.05), 375, 12, 150, 125);
    expect(r.share).toBeLessThanOrEqual(0.05 + 150 / (375 * 12)); // one evaluation's slack: the first is never held back
    expect(r.evaluations).toBeGreaterThanOrEqual(2);
  });

  it('with a budget still evaluates perEpoch times where evaluations are cheap', () => {
    expect(simulate(new EvaluationSchedule(4, 0, 0.05), 384, 12, 5, 125).evaluations).toBe(12);
  });

  it('never holds back the first or the final evaluation', () => {
    const s = new EvaluationSchedule(4, 1000, 0.05);
    expect(s.timeDue(false, 0)).toBe(true);
    s.started(0);
    s.finished(500);
    expect(s.timeDue(false, 600)).toBe(false);
    expect(s.timeDue(true, 600)).toBe(true);
    expect(s.timeDue(false, 500 + 500 * 19)).toBe(true);
  });

  it('spaces evaluations by the time an evaluator on another thread computed, not by its start-up', () => {
    // A quarter of the time: the first answer took 2.5 s, 2.4 s of it the worker starting (WebKit).
    const s = new EvaluationSchedule(8, 0, 0.25);
    s.started(0);
    s.finished(2500, 100);
    expect(s.timeDue(false, 2500 + 300)).toBe(true);
    expect(s.timeDue(false, 2500 + 200)).toBe(false);
    // Without the pass time it waits three times the whole wait: 7.5 s.
    const t = new EvaluationSchedule(8, 0, 0.25);
    t.started(0);
    t.finished(2500);
    expect(t.timeDue(false, 2500 + 7000)).toBe(false);
  });

  it('with a step spacing evaluates every 10 steps while playing, whatever the clock says, and on a long run keeps about 300 points across the chart', () => {
    const s = new EvaluationSchedule(1000, 0, 0, 10);
    const at: number[] = [];
    for (let step = 1; step <= 30_000; step++) {
      s.countStep();
      if (s.playDue(25, step) && s.timeDue(false, 0)) {
        s.started(0);
        at.push(step);
      }
    }
    expect(at.slice(0, 4)).toEqual([1, 11, 21, 31]); // the first step at once
    expect(at.filter((step) => step <= 3_000)).toHaveLength(300);
    // Past 3,000 steps the spacing grows with the step: the chart's right-hand tenth still has about 30.
    expect(at.filter((step) => step > 27_000).length).toBeGreaterThanOrEqual(28);
    expect(at.length).toBeLessThan(1_100);
    // A pause evaluates steps the spacing held back; an epoch's end waits for the spacing too.
    expect(s.heldBack).toBe(at.at(-1) !== 30_000);
    expect(s.epochEndDue(false, 25, 30_001)).toBe(false);
    expect(s.epochEndDue(true, 25, 30_001)).toBe(true);
    expect(new EvaluationSchedule(4, 0).heldBack).toBe(false); // nothing held back without an interval or a spacing
  });
});

describe('the report buffer', () => {
  it('reports the time from a train request to the first step once, in the first report after it', async () => {
    await useCpu();
    const reports = new ReportBuffer();
    reports.markStart();
    await new Promise((r) => setTimeout(r, 30));
    reports.startStep(0);
    reports.add(tf.scalar(1), undefined, undefined, 8);
    const first = reports.accept((await reports.read())!);
    expect(first.msToFirstStep).toBeGreaterThanOrEqual(25);
    reports.startStep(1);
    reports.add(tf.scalar(1), undefined, undefined, 8);
    expect(reports.accept((await reports.read())!).msToFirstStep).toBeUndefined();
  });

  it('measures speed over wall-clock time: time spent outside steps (evaluations) counts, as the learner waits for it too', async () => {
    await useCpu();
    const reports = new ReportBuffer();
    reports.markStart();
    reports.startStep(0);
    reports.add(tf.scalar(1), undefined, undefined, 64);
    await new Promise((r) => setTimeout(r, 100)); // an evaluation between the step and the report
    const { examplesPerSecond, msPerStep } = reports.accept((await reports.read())!);
    expect(examplesPerSecond).toBeLessThan(64 / 0.09);
    expect(msPerStep).toBeGreaterThanOrEqual(90);
  });
});
