// Straight-line maths for the line fitter, in float64 and closed form: the least-squares line
// and the mean squared error of any line.
import type { Points1D } from './toyData';

/**
 * The sums a straight-line fit needs, in float64: with them the closed-form fit and the
 * mean squared error of any (m, b) cost O(1) instead of a pass over the data.
 */
export interface LineStats {
  n: number;
  meanX: number;
  meanY: number;
  meanXX: number;
  meanXY: number;
  meanYY: number;
}

export function lineStats({ x, y }: Points1D): LineStats {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x has ${n} values but y has ${y.length}.`);
  if (n === 0) throw new RangeError('Need at least one point.');
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const meanX = sx / n;
  const meanY = sy / n;
  // Centred sums avoid the cancellation of E[x²] − E[x]² when the data sit far from 0.
  let cxx = 0;
  let cxy = 0;
  let cyy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    cxx += dx * dx;
    cxy += dx * dy;
    cyy += dy * dy;
  }
  return { n, meanX, meanY, meanXX: cxx / n, meanXY: cxy / n, meanYY: cyy / n };
}

/** MSE of y ≈ m·x + b from centred statistics: mean((dy − m·dx − c)²) with c = b + m·x̄ − ȳ. */
export function mseFromStats(s: LineStats, m: number, b: number): number {
  const c = b + m * s.meanX - s.meanY;
  return Math.max(0, s.meanYY - 2 * m * s.meanXY + m * m * s.meanXX + c * c);
}

/** The best straight line through the points in the least-squares sense (closed form). */
export function leastSquaresLine(points: Points1D): { slope: number; intercept: number } {
  const s = lineStats(points);
  // All x equal: every slope fits equally well, so report the flat line through the mean.
  const slope = s.meanXX > 0 ? s.meanXY / s.meanXX : 0;
  return { slope, intercept: s.meanY - slope * s.meanX };
}

/** Mean of (y − (slope·x + intercept))² over the points. */
export function meanSquaredError(points: Points1D, slope: number, intercept: number): number {
  const { x, y } = points;
  if (y.length !== x.length) throw new RangeError(`x has ${x.length} values but y has ${y.length}.`);
  if (x.length === 0) throw new RangeError('Need at least one point.');
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const r = y[i] - (slope * x[i] + intercept);
    sum += r * r;
  }
  return sum / x.length;
}
