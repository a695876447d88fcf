// Lesson 6's abstraction ladder: one linear digit classifier (784 pixels → 10 scores, softmax
// cross-entropy, plain SGD) trained three ways, from raw tensors up to model.fit. This module is
// what the three rungs share and has no tfjs: the settings, the batches (one seeded order of a
// fixed subset of the training digits) and the starting weights. Given the same run, the three
// rungs must report the same losses.
import { checkAll, type Schema, type Values } from '../schema';
import { EpochOrder, gatherBatch } from '../examples';
import { createRng } from '../random';
import type { Examples, TrainingData } from '../trainingTypes';

export const PIXELS = 784;
export const CLASSES = 10;

/** The rungs, from the most hand-written to the most packaged; the keys name their modules. */
export const LADDER_RUNGS = new Map([
  ['rawTensors', 'Raw tensors and a hand-written SGD step'],
  ['minimize', 'optimizer.minimize'],
  ['fit', 'model.fit'],
] as const);
export type LadderRungName = typeof LADDER_RUNGS extends ReadonlyMap<infer K, string> ? K : never;

export const LADDER_SCHEMA = {
  learningRate: { kind: 'number', label: 'Learning rate', min: 0.001, max: 5, default: 0.5, log: true, help: 'The plain SGD step size all three rungs use.' },
  steps: { kind: 'number', label: 'Steps', min: 1, max: 200, default: 40, integer: true, help: 'How many batches each rung trains on.' },
  batchSize: { kind: 'number', label: 'Batch size', min: 1, max: 256, default: 32, integer: true },
  seed: { kind: 'number', label: 'Seed', min: 0, max: 99999, default: 1, integer: true, help: 'Picks the starting weights and the order of the batches.' },
} satisfies Schema;
export type LadderSettings = Values<typeof LADDER_SCHEMA>;

/** The rungs train on this many digits of the training set, so a run takes a second or two. */
export const LADDER_SUBSET = 1000;

/** One batch: `size` images of PIXELS values in 0–1, and their labels as one-hot rows. */
export interface LadderBatch {
  xs: Float32Array;
  ys: Float32Array;
  size: number;
}

/** Everything a rung needs; the same run given to each rung must give the same losses. */
export interface LadderRun {
  batches: LadderBatch[];
  /** The starting weights: PIXELS × CLASSES, row by row, then CLASSES biases. */
  kernel: Float32Array;
  bias: Float32Array;
  learningRate: number;
}

/** A rung: trains the linear model on the run's batches in order and returns each batch's loss (before its update). */
export type LadderRung = (run: LadderRun) => Promise<number[]>;

/** Checks raw settings against the schema (unknown or bad values are reported and replaced). */
export function ladderSettings(raw: Record<string, unknown>): { settings: LadderSettings; messages: string[] } {
  const { values, messages } = checkAll(LADDER_SCHEMA, raw);
  return { settings: values, messages };
}

/**
 * The run for these settings: `steps` full batches drawn, epoch after epoch, in a seeded order
 * from the first LADDER_SUBSET training digits, and seeded starting weights (Glorot-uniform, as
 * a Dense layer starts, with zero biases).
 */
export function ladderRun(train: Examples, settings: LadderSettings): LadderRun {
  if (train.x.length !== train.count * PIXELS || train.y.length !== train.count) {
    throw new Error('The ladder trains on 28×28 digits with one label each.');
  }
  const count = Math.min(train.count, LADDER_SUBSET);
  if (count < settings.batchSize) throw new Error(`The batch size must be at most ${count}, the number of digits the ladder trains on.`);
  const subset = { x: train.x.subarray(0, count * PIXELS), y: train.y.subarray(0, count), count };
  const digits: TrainingData = { inputShape: [PIXELS], outputUnits: CLASSES, loss: 'softmaxCrossEntropy', train: subset };
  const order = new EpochOrder(count, settings.seed);
  const batches: LadderBatch[] = [];
  while (batches.length < settings.steps) {
    const indices = order.next(settings.batchSize);
    if (indices.length < settings.batchSize) {
      order.reshuffle(); // every batch full-sized, so model.fit cuts the same batches
      continue;
    }
    const { xs, ys } = gatherBatch(digits, subset, indices);
    batches.push({ xs, ys: oneHot(ys, CLASSES), size: indices.length });
  }
  const random = createRng(settings.seed + 7919);
  const limit = Math.sqrt(6 / (PIXELS + CLASSES));
  const kernel = Float32Array.from({ length: PIXELS * CLASSES }, () => (random() * 2 - 1) * limit);
  return { batches, kernel, bias: new Float32Array(CLASSES), learningRate: settings.learningRate };
}

function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

/** The largest difference between the rungs' losses at the same step (0 for one curve). */
export function largestLossGap(curves: readonly (readonly number[])[]): number {
  if (curves.length === 0) return 0;
  let gap = 0;
  const steps = Math.min(...curves.map((c) => c.length));
  for (let s = 0; s < steps; s++) {
    const at = curves.map((c) => c[s]);
    gap = Math.max(gap, Math.max(...at) - Math.min(...at));
  }
  return curves.some((c) => c.length !== steps) ? Infinity : gap;
}
