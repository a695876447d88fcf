// What a trainer keeps of a run for drawing: batch losses (thinned for long runs), the step
// progress folded into them, and the label a change marker shows. Pure, so it is tested alone.
import type { StepProgress } from '../../ml/trainingTypes';

export interface LossPoint {
  step: number;
  epoch: number;
  loss: number;
}

export interface Marker {
  step: number;
  epoch: number;
  label: string;
}

/** Keeps at most `limit` points by averaging neighbours, so long runs stay cheap to draw. */
export function compact(points: LossPoint[], limit: number): LossPoint[] {
  if (points.length <= limit) return points;
  const out: LossPoint[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const a = points[i];
    const b = points[i + 1];
    out.push({ step: b.step, epoch: b.epoch, loss: (a.loss + b.loss) / 2 });
  }
  if (points.length % 2) out.push(points[points.length - 1]);
  return out;
}

/**
 * Turns step reports into one loss point per batch. A report carries the losses of the batches
 * since the previous one; each batch's epoch is interpolated between the two reports.
 */
export function lossPoints(from: { step: number; epoch: number }, reports: readonly StepProgress[]): LossPoint[] {
  const points: LossPoint[] = [];
  let { step, epoch } = from;
  for (const p of reports) {
    const perStep = (p.epoch - epoch) / Math.max(1, p.step - step);
    for (let i = 0; i < p.losses.length; i++) {
      const at = p.firstStep + i + 1;
      points.push({ step: at, epoch: epoch + perStep * (at - step), loss: p.losses[i] });
    }
    step = p.step;
    epoch = p.epoch;
  }
  return points;
}

const SHORT_NAMES = new Map([
  ['learningRate', 'lr'],
  ['batchSize', 'batch'],
  ['optimizer', 'opt'],
  ['l2', 'L2'],
  ['l1', 'L1'],
]);

/** "lr 0.01, batch 32": what a live change marker on the chart says. */
export function changeLabel(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([k, v]) => `${SHORT_NAMES.get(k) ?? k} ${typeof v === 'number' ? +v.toPrecision(3) : String(v)}`)
    .join(', ');
}
