import { tf, tfl } from './tf';
import { exampleSize, targetWidth } from './examples';
import { accuracy, meanLoss, predictedClasses, targetTensor } from './losses';
import type { Evaluation, Examples, TrainingData } from './trainingTypes';

const EVAL_CHUNK = 512;

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
      const output = model.predict(x) as tf.Tensor;
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
 * (0 = no limit). Tiny toy sets end an epoch every few milliseconds; the interval keeps
 * evaluations, and the page updates they cause, to a few a second.
 */
export class EvaluationSchedule {
  readonly perEpoch: number;
  readonly intervalMs: number;
  #stepsSince = 0;
  #lastAt = -Infinity;

  constructor(perEpoch: number, intervalMs: number) {
    this.perEpoch = perEpoch;
    this.intervalMs = Math.max(0, intervalMs);
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

  /** Not too soon after the last evaluation (the final one is never skipped). */
  timeDue(final: boolean): boolean {
    return final || this.intervalMs <= 0 || performance.now() - this.#lastAt >= this.intervalMs;
  }

  /** Marks the start of an evaluation. */
  started(): void {
    this.#stepsSince = 0;
    this.#lastAt = performance.now();
  }
}
