import { tf, tfl } from './tf';
import { exampleSize, targetWidth } from './examples';
import { accuracy, meanLoss, predictedClasses, targetTensor } from './losses';
import type { Evaluation, Examples, TrainingData } from './trainingTypes';

/** About how many evaluations a long run keeps across the chart's width with a step spacing (see EvaluationSchedule). */
export const LONG_RUN_POINTS = 300;

// Each chunk is one forward pass: predict() would otherwise cut it into batches of 32, and on wasm
// 2,000 digits took 120 ms that way against 75 ms in chunks of 256 (larger chunks were no faster).
const EVAL_CHUNK = 256;

export interface SetEvaluation {
  loss: number;
  /** Classification only. */
  accuracy?: number;
  /** The predicted class of every example (classification, when asked for). */
  predictions?: Uint8Array;
}

/**
 * The model's mean loss (and accuracy) over a whole set, in chunks so a large set never needs
 * one huge tensor, read back from the device in one go.
 */
export async function evaluateSet(model: tfl.LayersModel, data: TrainingData, set: Examples, withPredictions: boolean): Promise<SetEvaluation> {
  const { inputShape, loss, outputUnits } = data;
  const size = exampleSize(inputShape);
  const width = targetWidth(data);
  const sums: tf.Tensor[] = [];
  const predictionParts: tf.Tensor[] = [];
  for (let start = 0; start < set.count; start += EVAL_CHUNK) {
    const count = Math.min(EVAL_CHUNK, set.count - start);
    tf.tidy(() => {
      const x = tf.tensor(set.x.subarray(start * size, (start + count) * size), [count, ...inputShape]);
      const y = targetTensor(loss, set.y.subarray(start * width, (start + count) * width), count, outputUnits);
      const output = model.predict(x, { batchSize: count }) as tf.Tensor;
      const acc = accuracy(loss, output, y);
      sums.push(tf.keep(tf.stack([tf.mul(meanLoss(loss, output, y), count), acc ? tf.mul(acc, count) : tf.scalar(0)])));
      if (withPredictions && loss !== 'meanSquaredError') predictionParts.push(tf.keep(predictedClasses(loss, output)));
    });
  }
  const total = tf.tidy(() => tf.addN(sums));
  const predictions = predictionParts.length ? tf.concat(predictionParts) : null;
  tf.dispose([...sums, ...predictionParts]);
  try {
    const [lossSum, correct] = await total.data();
    const result: SetEvaluation = { loss: lossSum / set.count };
    if (loss !== 'meanSquaredError') result.accuracy = correct / set.count;
    if (predictions) result.predictions = Uint8Array.from(await predictions.data());
    return result;
  } finally {
    total.dispose();
    predictions?.dispose();
  }
}

/** The first `limit` examples of a set (no copy). A training set comes shuffled, so they are a fair sample. */
function firstExamples(data: TrainingData, set: Examples, limit: number): Examples {
  if (limit >= set.count) return set;
  const count = Math.max(1, Math.floor(limit));
  const width = targetWidth(data);
  return { x: set.x.subarray(0, count * exampleSize(data.inputShape)), y: set.y.subarray(0, count * width), count };
}

/**
 * The full passes of an evaluation: over the training set when asked (all of it, or its first
 * examples when given a number: a fixed sample keeps large sets cheap) and over the validation
 * set when there is one.
 */
export async function evaluateModel(
  model: tfl.LayersModel,
  data: TrainingData,
  options: { evaluateTrainingSet: boolean | number; reportPredictions: boolean },
): Promise<Partial<Pick<Evaluation, 'trainLoss' | 'trainAccuracy' | 'valLoss' | 'valAccuracy' | 'predictions'>>> {
  const out: Partial<Evaluation> = {};
  if (options.evaluateTrainingSet) {
    const limit = options.evaluateTrainingSet === true ? data.train.count : options.evaluateTrainingSet;
    const r = await evaluateSet(model, data, firstExamples(data, data.train, limit), false);
    out.trainLoss = r.loss;
    out.trainAccuracy = r.accuracy;
  }
  if (data.validation) {
    const r = await evaluateSet(model, data, data.validation, options.reportPredictions);
    out.valLoss = r.loss;
    out.valAccuracy = r.accuracy;
    out.predictions = r.predictions;
  }
  return out;
}

/**
 * When a running session evaluates: `perEpoch` times an epoch, but at most every `intervalMs`
 * (0 = no limit), and — with a `budget` (a share of time, e.g. 0.05) — only once training since
 * the last evaluation has taken long enough that evaluating stays within that share of the time:
 * an evaluation that took 100 ms waits for 1.9 s of training at 5 %. The first evaluation of a run
 * is never held back, so the learner sees one early.
 *
 * With `everySteps`, a run that plays evaluates every that many steps instead, epoch or not: tiny
 * toy sets train hundreds of steps a second against a chart whose x axis is the step, so a clock
 * (4 evaluations a second) left the chart's held-out line a point per 100-400 steps. On a long run
 * the spacing grows with the step (step / LONG_RUN_POINTS), so the chart keeps about that many
 * points across its width and the run's evaluations stay few.
 */
export class EvaluationSchedule {
  readonly perEpoch: number;
  readonly intervalMs: number;
  readonly budget: number;
  readonly everySteps: number;
  #stepsSince = 0;
  #lastAt = -Infinity;
  #lastEnd = -Infinity;
  #lastDuration = 0;

  constructor(perEpoch: number, intervalMs: number, budget = 0, everySteps = 0) {
    this.perEpoch = perEpoch;
    this.intervalMs = Math.max(0, intervalMs);
    this.budget = budget > 0 && budget < 1 ? budget : 0;
    this.everySteps = Math.max(0, Math.floor(everySteps));
  }

  /** Steps trained since the last evaluation. */
  get stepsSince(): number {
    return this.#stepsSince;
  }

  countStep(): void {
    this.#stepsSince++;
  }

  /** Enough steps since the last evaluation for the next one of this epoch. */
  stepsDue(stepsPerEpoch: number): boolean {
    return this.#stepsSince >= Math.max(1, Math.ceil(stepsPerEpoch / this.perEpoch));
  }

  /** While playing, at step `step` of the run: `everySteps` steps since the last evaluation (or the run's first step), else the epoch's share. */
  playDue(stepsPerEpoch: number, step: number): boolean {
    if (this.everySteps === 0) return this.stepsDue(stepsPerEpoch);
    if (this.#stepsSince === 0) return false;
    return step === 1 || this.#stepsSince >= Math.max(this.everySteps, Math.floor(step / LONG_RUN_POINTS));
  }

  /** At an epoch's end: the run's last always; else when the time allows and, with a step spacing, when that is due too. */
  epochEndDue(final: boolean, stepsPerEpoch: number, step: number, now = performance.now()): boolean {
    if (final) return true;
    return this.timeDue(false, now) && (this.everySteps === 0 || this.playDue(stepsPerEpoch, step));
  }

  /** Steps trained since the last evaluation that an interval or a step spacing held back: a pause evaluates them, so the last figures shown are of the paused model. */
  get heldBack(): boolean {
    return this.#stepsSince > 0 && (this.intervalMs > 0 || this.everySteps > 0);
  }

  /** Not too soon after the last evaluation, nor over the time budget (the final one is never skipped). */
  timeDue(final: boolean, now = performance.now()): boolean {
    if (final) return true;
    if (this.intervalMs > 0 && now - this.#lastAt < this.intervalMs) return false;
    return this.budget <= 0 || now - this.#lastEnd >= (this.#lastDuration * (1 - this.budget)) / this.budget;
  }

  /** Marks the start of an evaluation. */
  started(now = performance.now()): void {
    this.#stepsSince = 0;
    this.#lastAt = now;
  }

  /**
   * Marks the end of an evaluation: its duration (returned, in ms) sets how long the next one
   * waits. `busyMs`, where given, is the time the evaluation itself computed: an evaluator on
   * another thread also spends time starting (its first answer) or waiting for a core, which is
   * not work taken from training.
   */
  finished(now = performance.now(), busyMs?: number): number {
    this.#lastEnd = now;
    this.#lastDuration = Math.max(0, busyMs ?? now - this.#lastAt);
    return this.#lastDuration;
  }
}
