// Checking a data set's arrays and copying batches out of them. Batches are built from typed
// arrays rather than by slicing a dataset tensor: on wasm, slice() copies the whole source.
import { createRng, shuffleInPlace } from './random';
import { augmentBatch, canAugment } from './augment';
import type { Examples, TrainingData } from './trainingTypes';

/** Floats per example: the product of the input shape. */
export function exampleSize(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}

/** Target values per example: a class index (or 0/1) for classification, outputUnits for regression. */
export function targetWidth(data: Pick<TrainingData, 'loss' | 'outputUnits'>): number {
  return data.loss === 'meanSquaredError' ? data.outputUnits : 1;
}

/** Throws, in the learner's words, when a set's arrays do not match its count and shape. */
export function validateData(data: TrainingData): void {
  const size = exampleSize(data.inputShape);
  const width = targetWidth(data);
  const check = (set: Examples, name: string) => {
    if (set.count < 1) throw new Error(`The ${name} set is empty.`);
    if (set.x.length !== set.count * size) throw new Error(`The ${name} inputs have the wrong size.`);
    if (set.y.length !== set.count * width) throw new Error(`The ${name} targets have the wrong size.`);
  };
  check(data.train, 'training');
  if (data.validation) check(data.validation, 'validation');
}

/**
 * Copies the examples `indices` of `set`, in that order, into one batch. With `augmentSeed`,
 * images come shifted and turned at random (see augment.ts); other inputs are left as they are.
 */
export function gatherBatch(data: TrainingData, set: Examples, indices: ArrayLike<number>, augmentSeed?: number): { xs: Float32Array; ys: Float32Array | Int32Array } {
  const size = indices.length;
  const n = exampleSize(data.inputShape);
  const width = targetWidth(data);
  const xs = new Float32Array(size * n);
  const ys = data.loss === 'softmaxCrossEntropy' ? new Int32Array(size) : new Float32Array(size * width);
  for (let k = 0; k < size; k++) {
    const i = indices[k];
    xs.set(set.x.subarray(i * n, (i + 1) * n), k * n);
    for (let j = 0; j < width; j++) ys[k * width + j] = set.y[i * width + j];
  }
  if (augmentSeed !== undefined && canAugment(data.inputShape)) return { xs: augmentBatch(xs, size, data.inputShape, augmentSeed), ys };
  return { xs, ys };
}

/** The order the training examples are visited in: reshuffled (seeded) at every epoch. */
export class EpochOrder {
  #order: Int32Array;
  #random: () => number;
  #cursor = 0;

  constructor(count: number, seed: number) {
    this.#order = new Int32Array(count);
    this.#random = createRng(seed);
    this.reshuffle();
  }

  /** Every example of this epoch has been visited. */
  get done(): boolean {
    return this.#cursor >= this.#order.length;
  }

  /** The share of this epoch visited so far. */
  get progress(): number {
    return this.#cursor / this.#order.length;
  }

  /** The next `batchSize` example indices (fewer at the epoch's end). */
  next(batchSize: number): Int32Array {
    const start = this.#cursor;
    this.#cursor = Math.min(this.#order.length, start + batchSize);
    return this.#order.subarray(start, this.#cursor);
  }

  /** Goes to `progress` (0…1) of this epoch, as a session carried over from another backend does. */
  seek(progress: number): void {
    this.#cursor = Math.min(this.#order.length, Math.max(0, Math.round(progress * this.#order.length)));
  }

  /** Starts the next epoch in a fresh random order. */
  reshuffle(): void {
    for (let i = 0; i < this.#order.length; i++) this.#order[i] = i;
    shuffleInPlace(this.#order, this.#random);
    this.#cursor = 0;
  }
}
