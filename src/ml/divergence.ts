// The divergence guard: notices a loss that turned NaN / infinite or ran away, keeps a restore
// point of weights that are known to be calm, and explains to the learner what happened.
import { tf, tfl } from './tf';
import type { OptimizerName } from './hyperparams';
import type { DivergenceReason, DivergenceReport, Evaluation, TrainingData } from './trainingTypes';
import { EvaluationWatch } from './evaluationWatch';

export const UNSTABLE_NOTICE =
  'The loss is jumping around rather than falling: the learning rate is probably too large. Training goes on; try a smaller learning rate.';

export interface DivergenceFinding {
  /** Index of the first bad loss in the checked list. */
  index: number;
  reason: DivergenceReason;
}

export class DivergenceGuard {
  readonly runawayFactor: number;
  #firstLoss: number | null = null;
  #bestReportLoss = Infinity;
  #snapshot: tf.Tensor[] | null = null;
  #snapshotStep = 0;
  #candidate: tf.Tensor[] | null = null;
  #candidateStep = 0;
  #watch: EvaluationWatch | null = null;
  /** The weights at the best validation accuracy so far, kept as plain arrays (no tensors held): what a collapse goes back to. */
  #best: { weights: { values: Float32Array; shape: number[] }[]; step: number; accuracy: number } | null = null;
  #collapse: { accuracy: number; chance: number; loss: number; untrainedLoss: number } | null = null;

  /** A loss above `runawayFactor` × the first loss counts as runaway. */
  constructor(runawayFactor: number) {
    this.runawayFactor = runawayFactor;
  }

  /** The first loss seen since the start (or the last `reset`); what "runaway" is measured against. */
  get firstLoss(): number | null {
    return this.#firstLoss;
  }

  /** The first loss of a report that is not finite or ran away, or null when all are healthy. */
  check(losses: readonly number[]): DivergenceFinding | null {
    for (let i = 0; i < losses.length; i++) {
      const l = losses[i];
      if (!Number.isFinite(l)) return { index: i, reason: 'nonFinite' };
      if (this.#firstLoss === null) this.#firstLoss = Math.max(l, 1e-6);
      if (l > this.runawayFactor * this.#firstLoss) return { index: i, reason: 'runaway' };
    }
    return null;
  }

  /** After a healthy report: the model's weights (after `step` steps) may become the next restore point. */
  noteHealthy(losses: readonly number[], model: tfl.LayersModel, step: number): void {
    // Only a calm state is worth going back to: not one where the loss is already climbing.
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    this.#bestReportLoss = Math.min(this.#bestReportLoss, mean);
    if (mean <= 3 * this.#bestReportLoss) this.#takeSnapshot(model, step);
  }

  /**
   * Reads an evaluation for a collapse (returned: the caller pauses and restores) or instability
   * (noted on the evaluation; training goes on). `classes`: null for regression. `evaluated`: the
   * weights the evaluation measured, where they are no longer the model's (evaluated off-thread).
   */
  watch(e: Evaluation, model: tfl.LayersModel, step: number, classes: number | null, evaluated?: Float32Array[]): 'collapse' | null {
    this.#watch ??= new EvaluationWatch(classes);
    const verdict = this.#watch.observe(e);
    if (e.valAccuracy !== undefined && e.valAccuracy > (this.#best?.accuracy ?? -Infinity)) {
      const weights = model.getWeights().map((w, i) => ({ values: evaluated?.[i] ?? (w.dataSync() as Float32Array), shape: w.shape }));
      this.#best = { weights, step, accuracy: e.valAccuracy };
    }
    if (verdict?.kind === 'unstable') e.notice = UNSTABLE_NOTICE;
    if (verdict?.kind !== 'collapse') return null;
    this.#collapse = verdict;
    return 'collapse';
  }

  /**
   * Puts the restore point's weights into `model` and returns its step, or null when there is no
   * restore point yet (diverged before any calm state was seen: the caller starts from scratch).
   * A collapse goes back to the best evaluated weights.
   */
  restore(model: tfl.LayersModel, reason?: DivergenceReason): number | null {
    if (this.#candidate) tf.dispose(this.#candidate);
    this.#candidate = null;
    if (reason === 'collapse' && this.#best) {
      const best = this.#best;
      tf.tidy(() => model.setWeights(best.weights.map((w) => tf.tensor(w.values, w.shape))));
      return best.step;
    }
    if (!this.#snapshot) return null;
    model.setWeights(this.#snapshot);
    return this.#snapshotStep;
  }

  /** The report for the learner, once the model is restored to `restoredStep`. */
  report(d: Omit<DivergenceDetails, 'firstLoss' | 'runawayFactor'>): DivergenceReport {
    const firstLoss = this.#firstLoss ?? 0;
    const collapse = d.reason === 'collapse' && this.#collapse ? { ...this.#collapse, bestAccuracy: this.#best?.accuracy } : undefined;
    const message = divergenceMessage({ ...d, firstLoss, runawayFactor: this.runawayFactor, collapse });
    return { step: d.step, reason: d.reason, loss: Number.isFinite(d.loss) ? d.loss : null, firstLoss, learningRate: d.learningRate, message, restoredStep: d.restoredStep, ...(collapse ? { chance: collapse.chance } : {}) };
  }

  /** Forgets the first loss and frees the restore points: a fresh start. */
  reset(): void {
    this.dispose();
    this.#firstLoss = null;
    this.#bestReportLoss = Infinity;
    this.#watch = null;
    this.#collapse = null;
  }

  /** Frees the restore points. */
  dispose(): void {
    if (this.#snapshot) tf.dispose(this.#snapshot);
    if (this.#candidate) tf.dispose(this.#candidate);
    this.#snapshot = null;
    this.#candidate = null;
    this.#best = null;
  }

  /**
   * A step's loss is measured before its update, so the weights after a healthy report are not
   * yet proven: they become the restore point only when the next report is healthy too.
   */
  #takeSnapshot(model: tfl.LayersModel, step: number): void {
    const fresh = model.getWeights().map((w) => tf.keep(w.clone()));
    if (this.#candidate) {
      if (this.#snapshot) tf.dispose(this.#snapshot);
      this.#snapshot = this.#candidate;
      this.#snapshotStep = this.#candidateStep;
    }
    this.#candidate = fresh;
    this.#candidateStep = step;
  }
}

export interface DivergenceDetails {
  reason: DivergenceReason;
  /** The bad loss (NaN, ±Infinity or the runaway value). */
  loss: number;
  /** The step whose loss was bad. */
  step: number;
  firstLoss: number;
  runawayFactor: number;
  learningRate: number;
  optimizer: OptimizerName;
  restoredStep: number;
  /** For a collapse: where accuracy and loss fell to, and what chance and an untrained model score. */
  collapse?: { accuracy: number; chance: number; loss: number; untrainedLoss: number; bestAccuracy?: number };
}

/** What happened and what to try, in the words of a learner new to deep learning. */
export function divergenceMessage(d: DivergenceDetails): string {
  const percent = (p: number) => `${(p * 100).toFixed(1)} %`;
  if (d.reason === 'collapse' && d.collapse) {
    const c = d.collapse;
    return (
      `Training collapsed: validation accuracy fell to ${percent(c.accuracy)}, no better than guessing (${percent(c.chance)}), and the loss sits at ${formatNumber(c.loss)}, ` +
      `what an untrained model scores (${formatNumber(c.untrainedLoss)}). The learning rate (${formatNumber(d.learningRate)}) is most likely too large: each step throws the weights so far ` +
      `that the network's units stop responding and it can only guess. Training is paused and the weights from step ${d.restoredStep}` +
      `${c.bestAccuracy !== undefined && d.restoredStep > 0 ? ` (${percent(c.bestAccuracy)} validation accuracy)` : ''} are restored. ` +
      `Try a learning rate 10 to 100× smaller${d.optimizer === 'sgd' ? ', or switch to Adam' : ''}, then start training again.`
    );
  }
  const what =
    d.reason === 'nonFinite'
      ? `the loss became ${Number.isNaN(d.loss) ? 'NaN (not a number)' : 'infinite'} at step ${d.step}`
      : `the loss shot up to ${formatNumber(d.loss)} at step ${d.step}, over ${formatNumber(d.runawayFactor)} times its first value (${formatNumber(d.firstLoss)})`;
  return (
    `Training diverged: ${what}. The learning rate (${formatNumber(d.learningRate)}) is most likely too large, so each step overshoots the minimum ` +
    `and the weights grow without bound. Training is paused and the weights from step ${d.restoredStep} are restored. ` +
    `Try a learning rate about 10× smaller${d.optimizer === 'sgd' ? ', or switch to Adam' : ''}, then start training again.`
  );
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return n.toExponential(2);
  return Number(n.toPrecision(4)).toString();
}

/** How many classes a task tells apart (2 for a sigmoid output), or null for regression. */
export function classCount(data: Pick<TrainingData, 'loss' | 'outputUnits'>): number | null {
  return data.loss === 'softmaxCrossEntropy' ? data.outputUnits : data.loss === 'sigmoidCrossEntropy' ? 2 : null;
}
