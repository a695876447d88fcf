import type { ScheduleName } from './hyperparams';

/**
 * The learning rate at a step. One-cycle (Smith 2018, as fast.ai uses it): warm up from
 * max/25 to max over the first 30 % of training, then cosine-anneal down to max/25e4.
 * Step decay halves the rate at each epoch boundary.
 */
export function scheduledLearningRate(
  schedule: ScheduleName,
  base: number,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number {
  switch (schedule) {
    case 'constant':
      return base;
    case 'stepDecay':
      return base * Math.pow(0.5, Math.floor(step / Math.max(1, stepsPerEpoch)));
    case 'oneCycle': {
      if (!Number.isFinite(totalSteps) || totalSteps <= 0) return base;
      const t = Math.min(1, step / totalSteps);
      const warm = 0.3;
      const start = base / 25;
      const end = base / 25e4;
      if (t < warm) return start + (base - start) * (0.5 - 0.5 * Math.cos((Math.PI * t) / warm));
      return end + (base - end) * (0.5 + 0.5 * Math.cos((Math.PI * (t - warm)) / (1 - warm)));
    }
  }
}
