// The loss surface of a straight-line fit: the MSE of every (slope, intercept) on a grid.
import { lineStats, mseFromStats } from './leastSquares';
import type { Points1D, Range } from './toyData';

export interface LandscapeOptions {
  mRange: Range;
  bRange: Range;
  /** Cells along each axis. */
  resolution: number;
}

export interface LossLandscape {
  /** resolution × resolution MSE values; index `row * resolution + col`, row = b index, col = m index. */
  values: Float32Array;
  min: number;
  max: number;
}

/** The value at the centre of cell `index` when `range` is cut into `resolution` equal cells. */
export function cellCentre(range: Range, resolution: number, index: number): number {
  return range[0] + ((index + 0.5) * (range[1] - range[0])) / resolution;
}

/**
 * The mean squared error of every line (m, b) on a grid, for a heat map of the loss surface.
 * Cell (row, col) holds the MSE at m = cellCentre(mRange, resolution, col) and
 * b = cellCentre(bRange, resolution, row): row 0 is the lowest b, so flip rows to draw b upwards.
 */
export function lossLandscape(points: Points1D, { mRange, bRange, resolution }: LandscapeOptions): LossLandscape {
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new RangeError(`resolution must be a whole number ≥ 1, got ${resolution}.`);
  }
  const s = lineStats(points);
  const values = new Float32Array(resolution * resolution);
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < resolution; row++) {
    const b = cellCentre(bRange, resolution, row);
    for (let col = 0; col < resolution; col++) {
      // min and max are the stored float32 values, so a colour scale built from them fits exactly.
      const v = Math.fround(mseFromStats(s, cellCentre(mRange, resolution, col), b));
      values[row * resolution + col] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { values, min, max };
}
