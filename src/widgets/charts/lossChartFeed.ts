// What the loss chart draws from a trainer's progress, and when it redraws: pure, so the points a
// learner sees and their timing are tested without a canvas.
import type { LossPoint, Marker } from '../trainer/trainingHistory';
import type { Evaluation } from '../../ml/trainingTypes';

export interface ChartPoint {
  x: number;
  y: number;
}

/** The chart's four lines (training loss per batch, held-out loss, both accuracies in %) and its markers. */
export interface LossChartSeries {
  batchLoss: ChartPoint[];
  heldOutLoss: ChartPoint[];
  trainAccuracy: ChartPoint[];
  heldOutAccuracy: ChartPoint[];
  markers: { x: number; label: string }[];
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export function lossChartSeries(batchLosses: LossPoint[], evaluations: Evaluation[], markers: Marker[], xAxis: 'epoch' | 'step'): LossChartSeries {
  const x = (p: { step: number; epoch: number }) => (xAxis === 'epoch' ? p.epoch : p.step);
  return {
    batchLoss: batchLosses.filter((p) => Number.isFinite(p.loss)).map((p) => ({ x: x(p), y: p.loss })),
    heldOutLoss: evaluations.filter((e) => finite(e.valLoss)).map((e) => ({ x: x(e), y: e.valLoss! })),
    trainAccuracy: evaluations.filter((e) => finite(e.trainAccuracy)).map((e) => ({ x: x(e), y: e.trainAccuracy! * 100 })),
    heldOutAccuracy: evaluations.filter((e) => finite(e.valAccuracy)).map((e) => ({ x: x(e), y: e.valAccuracy! * 100 })),
    markers: markers.map((m) => ({ x: x(m), label: m.label })),
  };
}

export interface ChartRedraw {
  /** The chart's inputs changed: redraw. */
  request(): void;
  cancel(): void;
}

/**
 * Redraws in the task after its inputs changed, once however many changes came in that task: a
 * redraw takes 10–30 ms, and drawn in the task of the state change that caused it (the first
 * progress of a run builds the controls' new branches too) the two made one task over 50 ms. It
 * keeps no clock of its own: what feeds it (TrainingProgress) already hands progress over in
 * batches, a few a second, and a second 250 ms clock out of step with those batches left the chart
 * a batch behind the step counter beside it, 175–250 steps on a toy trainer.
 */
export function chartRedraw(draw: () => void): ChartRedraw {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    request() {
      timer ??= setTimeout(() => {
        timer = null;
        draw();
      }, 0);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
