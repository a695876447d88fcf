// The whole guard on synthetic traces: each report's batch losses go to the divergence check (a
// blow-up), each evaluation to the evaluation watch (a collapse, instability), as TrainingSession
// hands them over. Five runs from issue 11: three must trigger, two healthy ones must not.
import { describe, expect, it } from 'vitest';
import { DivergenceGuard } from '../../src/ml/divergence';
import { EvaluationWatch } from '../../src/ml/evaluationWatch';
import { createRng, gaussian } from '../../src/ml/random';

interface Report {
  /** The batch losses of one progress report. */
  losses: number[];
  /** The evaluation after it, if one fell there. */
  evaluation?: { valLoss: number; valAccuracy: number; epoch: number };
}

type Finding = { at: number; what: 'nonFinite' | 'runaway' | 'collapse' | 'unstable' };

/** Runs a trace through the guard (as a session does: 10 classes, runaway at 1e4 × the first loss); every finding, in order. */
function guard(trace: Report[], classes = 10): Finding[] {
  const divergence = new DivergenceGuard(1e4);
  const watch = new EvaluationWatch(classes);
  const findings: Finding[] = [];
  trace.forEach((report, at) => {
    const blowUp = divergence.check(report.losses);
    if (blowUp) return findings.push({ at, what: blowUp.reason === 'nonFinite' ? 'nonFinite' : 'runaway' });
    if (!report.evaluation) return;
    const verdict = watch.observe(report.evaluation);
    if (verdict) findings.push({ at, what: verdict.kind });
  });
  return findings;
}

const LN10 = Math.log(10);
const REPORTS_PER_EPOCH = 20;
const EVALUATE_EVERY = 5; // 4 evaluations an epoch, as lesson 1

/** A run of `epochs` epochs: `lossAt(t)` the batch loss's trend and `accuracyAt(t)` the accuracy's, t in epochs; noise on both. */
function trace(epochs: number, lossAt: (t: number) => number, accuracyAt: (t: number) => number, noise: { batch: number; validation: number }, seed = 1): Report[] {
  const random = createRng(seed);
  const reports: Report[] = [];
  for (let i = 1; i <= epochs * REPORTS_PER_EPOCH; i++) {
    const t = i / REPORTS_PER_EPOCH;
    // Batch losses are noisy (a batch of 64 digits is a small sample), never below zero.
    const losses = Array.from({ length: 8 }, () => Math.max(0.001, lossAt(t) * (1 + noise.batch * gaussian(random))));
    const report: Report = { losses };
    if (i % EVALUATE_EVERY === 0) {
      const valLoss = lossAt(t) * (1 + noise.validation * gaussian(random));
      const valAccuracy = Math.min(1, Math.max(0, accuracyAt(t) + 0.01 * gaussian(random)));
      report.evaluation = { valLoss, valAccuracy, epoch: t };
    }
    reports.push(report);
  }
  return reports;
}

describe('the guard on synthetic traces', () => {
  it('blow-up: a loss that runs away pauses at the first report past 10,000× its first value', () => {
    const runaway = trace(1, (t) => 2.3 * Math.exp(20 * t), () => 0.1, { batch: 0.05, validation: 0.05 });
    const findings = guard(runaway);
    expect(findings[0]).toMatchObject({ what: 'runaway' });
    // e^(20 t) passes 1e4 at t ≈ 0.46 epoch: report 10 of 20.
    expect(findings[0].at).toBeGreaterThanOrEqual(8);
    expect(findings[0].at).toBeLessThanOrEqual(10);
  });

  it('blow-up: a loss that turns NaN pauses at once', () => {
    const healthy = trace(1, (t) => 2.3 * Math.exp(-t), (t) => 0.9 - 0.8 * Math.exp(-3 * t), { batch: 0.2, validation: 0.05 });
    healthy[7].losses[3] = Number.NaN;
    expect(guard(healthy)).toEqual([{ at: 7, what: 'nonFinite' }]);
  });

  it('collapse: a run that learnt, then fell to chance and stayed, is called a collapse', () => {
    const collapsed = trace(
      3,
      (t) => (t < 1 ? 2.3 * Math.exp(-2 * t) + 0.1 : LN10),
      (t) => (t < 1 ? 0.95 - 0.85 * Math.exp(-4 * t) : 0.1),
      { batch: 0.1, validation: 0.002 },
    );
    const findings = guard(collapsed);
    expect(findings.map((f) => f.what)).toContain('collapse');
    const first = findings.find((f) => f.what === 'collapse')!;
    // Three evaluations in a row at chance once it fell (epochs 1, 1.25, 1.5), having done far better: report 30 (index 29).
    expect(first.at).toBe(29);
    expect(findings.filter((f) => f.what === 'runaway' || f.what === 'nonFinite')).toEqual([]);
  });

  it('collapse: a run stuck at chance from the start, its loss flat for an epoch (SGD at 10), is called a collapse', () => {
    const stuck = trace(3, () => LN10, () => 0.1, { batch: 0.02, validation: 0.001 });
    const first = guard(stuck).find((f) => f.what === 'collapse');
    expect(first).toBeDefined();
    expect(first!.at).toBeLessThan(2 * REPORTS_PER_EPOCH);
  });

  it('instability: a held-out loss swinging up and down warns, and nothing pauses', () => {
    const swinging = trace(2, (t) => (Math.round(t * 4) % 2 ? 3.5 : 0.8), (t) => (Math.round(t * 4) % 2 ? 0.4 : 0.6), { batch: 0.1, validation: 0.05 }, 2);
    const findings = guard(swinging, 2);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.what === 'unstable')).toBe(true);
  });

  it('a healthy noisy run does not trigger: noisy batches and a noisy held-out loss on a falling trend', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const noisy = trace(
        5,
        (t) => 2.3 * Math.exp(-1.5 * t) + 0.15,
        (t) => 0.97 - 0.87 * Math.exp(-3 * t),
        // Batch losses ±40 % (σ), the held-out loss ±10 %: more than a 2,000-digit validation set wobbles.
        { batch: 0.4, validation: 0.1 },
        seed,
      );
      expect(guard(noisy), `seed ${seed}`).toEqual([]);
    }
  });

  it('a slow but healthy run does not trigger, though it sits near chance for epochs', () => {
    const slow = trace(
      6,
      // The held-out loss falls 1.5 % an epoch: at an untrained model's level for two epochs, but falling.
      (t) => LN10 * (1 - 0.015 * t),
      (t) => 0.1 + 0.02 * t,
      { batch: 0.1, validation: 0.002 },
    );
    expect(guard(slow)).toEqual([]);
  });

  it('instability, not collapse: a two-class run whose loss swings far above an untrained model’s while accuracy swings around chance (the playground at 10)', () => {
    const LN2 = Math.log(2);
    const swinging = trace(3, (t) => (Math.round(t * 4) % 2 ? 5.5 * LN2 : 1.3 * LN2), (t) => (Math.round(t * 4) % 2 ? 0.49 : 0.53), { batch: 0.1, validation: 0.05 }, 3);
    const findings = guard(swinging, 2);
    expect(findings.some((f) => f.what === 'unstable')).toBe(true);
    expect(findings.filter((f) => f.what !== 'unstable')).toEqual([]);
  });

  it('a converged run whose tiny held-out loss jitters (0.0004 to 0.003) gets no instability warning', () => {
    const converged = trace(4, (t) => (t < 1 ? 0.7 * Math.exp(-6 * t) : 0.0015), (t) => (t < 1 ? 0.5 + 0.5 * t : 1), { batch: 0.5, validation: 0.7 }, 4);
    expect(guard(converged, 2)).toEqual([]);
  });
});
