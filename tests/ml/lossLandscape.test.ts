import { describe, expect, it } from 'vitest';
import { cellCentre, lossLandscape } from '../../src/ml/lossLandscape';
import { leastSquaresLine, meanSquaredError } from '../../src/ml/leastSquares';
import { generateLine } from '../../src/ml/toyData';

describe('the loss landscape', () => {
  it('has its landscape minimum at the least-squares (m, b) cell, row = b and column = m', () => {
    const points = generateLine({ count: 150, slope: 1.4, intercept: -0.7, noise: 0.2, seed: 11 });
    const resolution = 41;
    const mRange = [-3, 3] as const;
    const bRange = [-2, 2] as const;
    const { values, min, max } = lossLandscape(points, { mRange, bRange, resolution });
    expect(values.length).toBe(resolution * resolution);
    let argmin = 0;
    for (let i = 1; i < values.length; i++) if (values[i] < values[argmin]) argmin = i;
    expect(values[argmin]).toBe(min);
    expect(max).toBe(Math.max(...values));
    const row = Math.floor(argmin / resolution);
    const col = argmin % resolution;
    const fit = leastSquaresLine(points);
    const cellM = (mRange[1] - mRange[0]) / resolution;
    const cellB = (bRange[1] - bRange[0]) / resolution;
    expect(Math.abs(cellCentre(mRange, resolution, col) - fit.slope)).toBeLessThanOrEqual(cellM);
    expect(Math.abs(cellCentre(bRange, resolution, row) - fit.intercept)).toBeLessThanOrEqual(cellB);
    // Each value is the plain MSE at its cell centre.
    for (const [r, c] of [
      [0, 0],
      [5, 30],
      [40, 17],
    ]) {
      const direct = meanSquaredError(points, cellCentre(mRange, resolution, c), cellCentre(bRange, resolution, r));
      expect(values[r * resolution + c]).toBeCloseTo(direct, 4);
    }
  });
});
