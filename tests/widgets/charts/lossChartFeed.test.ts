// The loss chart against the step counter beside it, on an injected clock: the page hears a fast
// toy trainer (1,000 steps a second, a step report and a test-loss evaluation every 10 steps) and
// the chart must show what the counter shows, a few times a second (issue 22, item 8).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrainingProgress } from '../../../src/widgets/trainer/TrainingProgress.svelte';
import { chartRedraw, lossChartSeries, type LossChartSeries } from '../../../src/widgets/charts/lossChartFeed';
import type { SessionEvent } from '../../../src/worker/protocol';

afterEach(() => {
  vi.useRealTimers();
});

/** The worker's reports for steps `from + 1` … `to`, and the test loss measured at `to`. */
function reports(from: number, to: number): SessionEvent[] {
  const losses = Array.from({ length: to - from }, (_, i) => 1 / (from + i + 2));
  const step: SessionEvent = { kind: 'step', progress: { step: to, epoch: to / 25, losses, firstStep: from, examplesPerSecond: 10_000, msPerStep: 1, learningRate: 0.03 } };
  const evaluation: SessionEvent = { kind: 'evaluate', evaluation: { step: to, epoch: to / 25, trainLoss: 0.5, valLoss: 0.6, valAccuracy: 0.7, endOfEpoch: false } };
  return [step, evaluation];
}

describe('the loss chart fed by a trainer’s progress', () => {
  it('never shows an older step than the counter, and the page updates a few times a second, not at every evaluation', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const progress = new TrainingProgress(3000, 250);
    let drawn: LossChartSeries | null = null;
    let draws = 0;
    const redraw = chartRedraw(() => {
      drawn = lossChartSeries(progress.batchLosses, progress.evaluations, progress.markers, 'step');
      draws++;
    });
    // LossChart's effect: any new steps or evaluations shown ask for a redraw.
    let updates = 0;
    progress.onSteps(() => {
      updates++;
      redraw.request();
    });
    progress.onEvaluation(() => redraw.request());
    progress.trainRequested(0);

    const seconds = 3;
    let behindSince: number | null = null;
    let behindMs = 0;
    let worst = { chart: 0, counter: 0 };
    for (let ms = 1; ms <= seconds * 1000; ms++) {
      vi.advanceTimersByTime(1);
      if (ms % 10 === 0) for (const event of reports(ms - 10, ms)) progress.receive(event);
      const chart = (drawn as LossChartSeries | null)?.batchLoss.at(-1)?.x ?? 0;
      behindSince = chart === progress.step ? null : (behindSince ?? ms);
      if (behindSince !== null) behindMs = Math.max(behindMs, ms - behindSince);
      if (progress.step - chart > worst.counter - worst.chart) worst = { chart, counter: progress.step };
    }
    // One task for the redraw, on this clock a millisecond or two.
    expect(behindMs, `the chart stayed behind the counter for up to ${behindMs} ms; at worst it showed step ${worst.chart} while the counter showed step ${worst.counter}`).toBeLessThanOrEqual(2);
    // The test loss the chart shows is never more than one evaluation behind the counter.
    const last = drawn as LossChartSeries | null;
    expect(last!.heldOutLoss.at(-1)!.x).toBeGreaterThanOrEqual(progress.step - 10);
    // Batched: about one visible update (and one redraw) per 250 ms, not one per evaluation.
    expect(updates).toBeLessThanOrEqual(seconds * 8);
    expect(draws).toBeLessThanOrEqual(seconds * 8);
    expect(last!.heldOutLoss.length).toBeGreaterThanOrEqual(progress.step / 10 - 25); // every evaluation is kept
    progress.dispose();
    redraw.cancel();
  });
});
