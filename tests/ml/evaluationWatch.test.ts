import { describe, expect, it } from 'vitest';
import { EvaluationWatch, type Verdict } from '../../src/ml/evaluationWatch';

const LN10 = Math.log(10);
/** Runs a trace of (accuracy, loss) evaluations through a watch; returns every verdict. */
function run(classes: number | null, trace: [number | undefined, number][], epochsPerEvaluation = 0.5): Verdict[] {
  const watch = new EvaluationWatch(classes);
  return trace.map(([valAccuracy, valLoss], i) => watch.observe({ valAccuracy, valLoss, epoch: (i + 1) * epochsPerEvaluation }));
}

describe('the evaluation watch', () => {
  it('calls a collapse when a model that had learnt falls back to chance and stays there', () => {
    const verdicts = run(10, [[0.6, 1.2], [0.85, 0.5], [0.11, 2.31], [0.1, 2.302], [0.095, 2.305]]);
    expect(verdicts.slice(0, 4)).toEqual([null, null, null, null]);
    expect(verdicts[4]).toMatchObject({ kind: 'collapse', chance: 0.1, accuracy: 0.095 });
    expect((verdicts[4] as { untrainedLoss: number }).untrainedLoss).toBeCloseTo(LN10, 6);
  });

  it('calls a collapse when a run sits at chance with a loss that does not come down for an epoch (SGD at 10)', () => {
    const stuck: [number, number][] = [[0.098, 2.304], [0.1, 2.303], [0.102, 2.304], [0.099, 2.305]];
    expect(run(10, stuck, 0.25).slice(0, 3)).toEqual([null, null, null]); // not yet an epoch
    expect(run(10, stuck, 0.25)[3]).toBeNull(); // 0.75 epoch from the first at chance: still not
    expect(run(10, [...stuck, [0.1, 2.306]], 0.25).at(-1)).toMatchObject({ kind: 'collapse' });
  });

  it('does not call a collapse in the first moments of a slowly starting run evaluated many times a second', () => {
    const start: [number, number][] = Array.from({ length: 40 }, () => [0.5, Math.log(2)]);
    expect(run(2, start, 0.01).every((v) => v === null)).toBe(true);
  });

  it('leaves a slow but healthy run alone, even while it is still near chance', () => {
    const slow: [number, number][] = Array.from({ length: 12 }, (_, i) => [0.1 + 0.004 * i, LN10 * (1 - 0.02 * (i + 1))]);
    expect(run(10, slow).every((v) => v === null)).toBe(true);
  });

  it('leaves a healthy noisy run alone: small wiggles on a falling loss are not instability', () => {
    const noisy: [number, number][] = Array.from({ length: 20 }, (_, i) => [0.8 + 0.01 * i, 0.6 * Math.exp(-i / 8) + (i % 2 ? 0.02 : -0.02) + 0.1]);
    expect(run(10, noisy).every((v) => v === null)).toBe(true);
  });

  it('warns when the held-out loss jumps up and down instead of falling (the playground at learning rate 10)', () => {
    const losses = [0.7, 2.5, 0.9, 4.8, 1.1, 5.4, 0.8, 3.9];
    const verdicts = run(2, losses.map((l, i) => [0.38 + (i % 2) * 0.24, l]));
    expect(verdicts.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(verdicts.at(-1)).toEqual({ kind: 'unstable' });
  });

  it('does not judge a blow-up (the runaway guard does) or a regression by accuracy', () => {
    expect(run(null, [[undefined, 1], [undefined, 1], [undefined, 1]]).every((v) => v === null)).toBe(true);
    expect(run(10, [[0.9, 0.3], [0.1, Number.NaN]])).toEqual([null, null]);
  });
});
