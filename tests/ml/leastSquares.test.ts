import { describe, expect, it } from 'vitest';
import { leastSquaresLine, meanSquaredError } from '../../src/ml/leastSquares';
import { generateLine } from '../../src/ml/toyData';

describe('least squares', () => {
  it('recovers the slope and intercept of low-noise data to within 0.05', () => {
    for (const [slope, intercept, seed] of [
      [2, -0.5, 1],
      [-1.3, 0.8, 2],
      [0.25, 3, 3],
    ]) {
      const fit = leastSquaresLine(generateLine({ count: 300, slope, intercept, noise: 0.05, seed }));
      expect(Math.abs(fit.slope - slope)).toBeLessThan(0.05);
      expect(Math.abs(fit.intercept - intercept)).toBeLessThan(0.05);
    }
  });

  it('fits a flat line through the mean when every x is the same', () => {
    const fit = leastSquaresLine({ x: Float32Array.of(1, 1, 1), y: Float32Array.of(1, 2, 3) });
    expect(fit).toEqual({ slope: 0, intercept: 2 });
  });

  it('gives the mean squared error, smallest at the least-squares line', () => {
    const points = { x: Float32Array.of(0, 1, 2), y: Float32Array.of(1, 3, 5) };
    expect(meanSquaredError(points, 2, 1)).toBe(0);
    expect(meanSquaredError(points, 0, 0)).toBeCloseTo((1 + 9 + 25) / 3, 10);
    const noisy = generateLine({ count: 100, slope: 1, intercept: 0, noise: 0.3, seed: 4 });
    const best = leastSquaresLine(noisy);
    const bestMse = meanSquaredError(noisy, best.slope, best.intercept);
    expect(meanSquaredError(noisy, best.slope + 0.1, best.intercept)).toBeGreaterThan(bestMse);
    expect(meanSquaredError(noisy, best.slope, best.intercept - 0.1)).toBeGreaterThan(bestMse);
  });
});
