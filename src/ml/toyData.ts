import { createRng, gaussian, shuffleInPlace } from './random';

/** Points on a line or curve: `x[i]` goes with `y[i]`. */
export interface Points1D {
  x: Float32Array;
  y: Float32Array;
}

/** Points in the plane with a class label each (0 or 1): `(x1[i], x2[i])` has `label[i]`. */
export interface Points2D {
  x1: Float32Array;
  x2: Float32Array;
  label: Uint8Array;
}

export type Range = readonly [lo: number, hi: number];

export interface LineOptions {
  count: number;
  slope: number;
  intercept: number;
  /** Standard deviation of the Gaussian noise added to each y. */
  noise: number;
  seed: number;
  /** Where the x values are drawn from, uniformly; [-1, 1] unless given. */
  xRange?: Range;
}

export type CurveKind = 'sine' | 'step' | 'quadratic';
export const CURVE_KINDS: readonly CurveKind[] = ['sine', 'step', 'quadratic'];

export interface CurveOptions {
  count: number;
  /** Standard deviation of the Gaussian noise added to each y. */
  noise: number;
  seed: number;
}

export type Dataset2DKind = 'circle' | 'xor' | 'gauss' | 'spiral';
export const DATASET_2D_KINDS: readonly Dataset2DKind[] = ['circle', 'xor', 'gauss', 'spiral'];

export interface Dataset2DOptions {
  count: number;
  /** 0–50, the same scale as TensorFlow Playground's noise slider. */
  noise: number;
  seed: number;
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}.`);
  return count;
}

/** Noisy points around the line y = slope·x + intercept. */
export function generateLine({ count, slope, intercept, noise, seed, xRange = [-1, 1] }: LineOptions): Points1D {
  const n = checkCount(count);
  const random = createRng(seed);
  const [lo, hi] = xRange;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const xi = lo + (hi - lo) * random();
    x[i] = xi;
    y[i] = slope * xi + intercept + noise * gaussian(random);
  }
  return { x, y };
}

// Each curve stays within about [-1, 1], like its inputs, so one learning rate suits all three.
const CURVES = new Map<CurveKind, (x: number) => number>([
  ['sine', (x) => Math.sin(1.5 * Math.PI * x)],
  ['step', (x) => (x < 0 ? -0.8 : 0.8)],
  ['quadratic', (x) => 2 * x * x - 1],
]);

/** The noise-free curve a kind of data is drawn around, for plotting the target next to the model. */
export function curveFunction(kind: CurveKind): (x: number) => number {
  const f = CURVES.get(kind);
  if (!f) throw new RangeError(`Unknown curve "${String(kind)}"; expected one of ${CURVE_KINDS.join(', ')}.`);
  return f;
}

/** Noisy points around a curve, x uniform in [-1, 1] (in random order, not sorted). */
export function generateCurve(kind: CurveKind, { count, noise, seed }: CurveOptions): Points1D {
  const f = curveFunction(kind);
  const n = checkCount(count);
  const random = createRng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const xi = -1 + 2 * random();
    x[i] = xi;
    y[i] = f(xi) + noise * gaussian(random);
  }
  return { x, y };
}

function shuffledIndices(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, createRng(seed));
  return order;
}

function gather1D(points: Points1D, indices: Int32Array): Points1D {
  const x = new Float32Array(indices.length);
  const y = new Float32Array(indices.length);
  indices.forEach((j, i) => {
    x[i] = points.x[j];
    y[i] = points.y[j];
  });
  return { x, y };
}

function gather2D(points: Points2D, indices: Int32Array): Points2D {
  const x1 = new Float32Array(indices.length);
  const x2 = new Float32Array(indices.length);
  const label = new Uint8Array(indices.length);
  indices.forEach((j, i) => {
    x1[i] = points.x1[j];
    x2[i] = points.x2[j];
    label[i] = points.label[j];
  });
  return { x1, x2, label };
}

function splitSize(n: number, fraction: number): number {
  if (!Number.isFinite(fraction)) throw new RangeError(`The split fraction must be a number, got ${fraction}.`);
  return Math.round(n * Math.min(1, Math.max(0, fraction)));
}

/** Shuffles the points (seeded) and holds back `validationFraction` of them (rounded) for validation. */
export function splitPoints(
  points: Points1D,
  validationFraction: number,
  seed: number,
): { train: Points1D; validation: Points1D } {
  const n = points.x.length;
  const order = shuffledIndices(n, seed);
  const nValidation = splitSize(n, validationFraction);
  return {
    train: gather1D(points, order.subarray(nValidation)),
    validation: gather1D(points, order.subarray(0, nValidation)),
  };
}

/** Shuffles the points (seeded) and keeps `trainFraction` of them (rounded) for training, the rest for testing. */
export function splitPoints2D(
  points: Points2D,
  trainFraction: number,
  seed: number,
): { train: Points2D; test: Points2D } {
  const n = points.label.length;
  const order = shuffledIndices(n, seed);
  const nTrain = splitSize(n, trainFraction);
  return {
    train: gather2D(points, order.subarray(0, nTrain)),
    test: gather2D(points, order.subarray(nTrain)),
  };
}

// ---------------------------------------------------------------------------------------------
// 2-D classification sets, after TensorFlow Playground's src/dataset.ts (Apache-2.0), with the
// same shapes and noise scale but a seeded random source, labels 1 / 0 instead of 1 / −1, and
// the points shuffled so the two classes are interleaved, as Playground does before splitting.

type Sampler = (
  random: () => number,
  count: number,
  noise: number,
  push: (x1: number, x2: number, positive: boolean) => void,
) => void;

function uniform(random: () => number, a: number, b: number): number {
  return a + (b - a) * random();
}

/** Splits a count into two halves that differ by at most one. */
function halves(count: number): [number, number] {
  const first = Math.ceil(count / 2);
  return [first, count - first];
}

// Positives inside radius 2.5, negatives in the ring 3.5–5. Noise does not move the points: it
// jitters the point used to decide the label, so points near the gap can carry the wrong class.
const sampleCircle: Sampler = (random, count, noise, push) => {
  const radius = 5;
  const [nInside, nOutside] = halves(count);
  const ring = (n: number, rLo: number, rHi: number): void => {
    for (let i = 0; i < n; i++) {
      const r = uniform(random, rLo, rHi);
      const angle = uniform(random, 0, 2 * Math.PI);
      const x1 = r * Math.sin(angle);
      const x2 = r * Math.cos(angle);
      const j1 = x1 + uniform(random, -radius, radius) * noise;
      const j2 = x2 + uniform(random, -radius, radius) * noise;
      push(x1, x2, Math.hypot(j1, j2) < radius * 0.5);
    }
  };
  ring(nInside, 0, radius * 0.5);
  ring(nOutside, radius * 0.7, radius);
};

// Four quadrants, kept 0.3 away from the axes; label noise as for the circle.
const sampleXor: Sampler = (random, count, noise, push) => {
  const padding = 0.3;
  for (let i = 0; i < count; i++) {
    let x1 = uniform(random, -5, 5);
    x1 += x1 > 0 ? padding : -padding;
    let x2 = uniform(random, -5, 5);
    x2 += x2 > 0 ? padding : -padding;
    const j1 = x1 + uniform(random, -5, 5) * noise;
    const j2 = x2 + uniform(random, -5, 5) * noise;
    push(x1, x2, j1 * j2 >= 0);
  }
};

// Two Gaussian blobs at (2, 2) and (−2, −2); noise widens them (variance 0.5 → 4).
const sampleGauss: Sampler = (random, count, noise, push) => {
  const variance = 0.5 + (noise / 0.5) * (4 - 0.5);
  const sd = Math.sqrt(variance);
  const [nPositive, nNegative] = halves(count);
  for (let i = 0; i < nPositive; i++) push(2 + sd * gaussian(random), 2 + sd * gaussian(random), true);
  for (let i = 0; i < nNegative; i++) push(-2 + sd * gaussian(random), -2 + sd * gaussian(random), false);
};

// Two interleaved spiral arms out to radius 5; here noise does move the points.
const sampleSpiral: Sampler = (random, count, noise, push) => {
  const arm = (n: number, deltaT: number, positive: boolean): void => {
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
      push(r * Math.sin(t) + uniform(random, -1, 1) * noise, r * Math.cos(t) + uniform(random, -1, 1) * noise, positive);
    }
  };
  const [nPositive, nNegative] = halves(count);
  arm(nPositive, 0, true);
  arm(nNegative, Math.PI, false);
};

const SAMPLERS = new Map<Dataset2DKind, Sampler>([
  ['circle', sampleCircle],
  ['xor', sampleXor],
  ['gauss', sampleGauss],
  ['spiral', sampleSpiral],
]);

/**
 * A TensorFlow-Playground-style 2-D classification set in about [-6, 6]², shuffled.
 * `noise` is on Playground's 0–50 slider scale (clamped to it).
 */
export function generate2D(kind: Dataset2DKind, { count, noise, seed }: Dataset2DOptions): Points2D {
  const sample = SAMPLERS.get(kind);
  if (!sample) throw new RangeError(`Unknown data set "${String(kind)}"; expected one of ${DATASET_2D_KINDS.join(', ')}.`);
  const n = checkCount(count);
  const level = Number.isFinite(noise) ? Math.min(50, Math.max(0, noise)) / 100 : 0;
  const random = createRng(seed);
  const raw = { x1: new Float32Array(n), x2: new Float32Array(n), label: new Uint8Array(n) };
  let i = 0;
  sample(random, n, level, (x1, x2, positive) => {
    raw.x1[i] = x1;
    raw.x2[i] = x2;
    raw.label[i] = positive ? 1 : 0;
    i++;
  });
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  shuffleInPlace(order, random);
  return gather2D(raw, order);
}
