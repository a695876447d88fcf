import type { Points2D } from './toyData';

export type FeatureName = 'x1' | 'x2' | 'x1Squared' | 'x2Squared' | 'x1x2' | 'sinX1' | 'sinX2';

export interface Feature {
  /** How the input is written for the learner, e.g. "x₁²". */
  label: string;
  compute: (x1: number, x2: number) => number;
}

/** The input features TensorFlow Playground offers, in its order. */
export const FEATURES: ReadonlyMap<FeatureName, Feature> = new Map<FeatureName, Feature>([
  ['x1', { label: 'x₁', compute: (x1) => x1 }],
  ['x2', { label: 'x₂', compute: (_x1, x2) => x2 }],
  ['x1Squared', { label: 'x₁²', compute: (x1) => x1 * x1 }],
  ['x2Squared', { label: 'x₂²', compute: (_x1, x2) => x2 * x2 }],
  ['x1x2', { label: 'x₁x₂', compute: (x1, x2) => x1 * x2 }],
  ['sinX1', { label: 'sin x₁', compute: (x1) => Math.sin(x1) }],
  ['sinX2', { label: 'sin x₂', compute: (_x1, x2) => Math.sin(x2) }],
]);

export const FEATURE_NAMES: readonly FeatureName[] = [...FEATURES.keys()];

export function isFeatureName(name: string): name is FeatureName {
  return FEATURES.has(name as FeatureName);
}

function lookUp(features: readonly string[]): Feature[] {
  if (features.length === 0) throw new RangeError('Choose at least one input feature.');
  return features.map((name) => {
    const feature = FEATURES.get(name as FeatureName);
    if (!feature) throw new RangeError(`Unknown feature "${name}"; expected one of ${FEATURE_NAMES.join(', ')}.`);
    return feature;
  });
}

/** The chosen features of every point: count × features.length values, one row per point. */
export function featurize(points: Points2D, features: readonly string[]): Float32Array {
  const chosen = lookUp(features);
  const { x1, x2 } = points;
  const width = chosen.length;
  const out = new Float32Array(x1.length * width);
  for (let i = 0; i < x1.length; i++) {
    for (let f = 0; f < width; f++) out[i * width + f] = chosen[f].compute(x1[i], x2[i]);
  }
  return out;
}

/** The (x1, x2) centre of cell (row, col) of a resolution × resolution grid over [-range, range]²; row 0 is at the top (x2 near +range). */
export function gridCellCentre(
  range: number,
  resolution: number,
  row: number,
  col: number,
): { x1: number; x2: number } {
  const cell = (2 * range) / resolution;
  return { x1: -range + (col + 0.5) * cell, x2: range - (row + 0.5) * cell };
}

/**
 * The chosen features at the centre of every cell of a resolution × resolution grid over
 * [-range, range]², for drawing the model's decision boundary as a heat map. Cell (row, col)
 * is row `row * resolution + col` of the result; rows run top (x2 = +range) to bottom, columns
 * left (x1 = −range) to right, the way an image is stored.
 */
export function gridFeatures(features: readonly string[], range: number, resolution: number): Float32Array {
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new RangeError(`resolution must be a whole number ≥ 1, got ${resolution}.`);
  }
  if (!(range > 0) || !Number.isFinite(range)) throw new RangeError(`range must be a positive number, got ${range}.`);
  const chosen = lookUp(features);
  const width = chosen.length;
  const out = new Float32Array(resolution * resolution * width);
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const { x1, x2 } = gridCellCentre(range, resolution, row, col);
      const base = (row * resolution + col) * width;
      for (let f = 0; f < width; f++) out[base + f] = chosen[f].compute(x1, x2);
    }
  }
  return out;
}
