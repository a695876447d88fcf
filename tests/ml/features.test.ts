import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, FEATURES, featurize, gridCellCentre, gridFeatures, isFeatureName } from '../../src/ml/features';

describe('FEATURES', () => {
  it('lists the seven Playground inputs with their labels', () => {
    expect(FEATURE_NAMES).toEqual(['x1', 'x2', 'x1Squared', 'x2Squared', 'x1x2', 'sinX1', 'sinX2']);
    expect([...FEATURES.values()].map((f) => f.label)).toEqual([
      'x₁',
      'x₂',
      'x₁²',
      'x₂²',
      'x₁x₂',
      'sin x₁',
      'sin x₂',
    ]);
    expect(isFeatureName('x1x2')).toBe(true);
    expect(isFeatureName('toString')).toBe(false);
    expect(isFeatureName('__proto__')).toBe(false);
  });

  it('computes the right value for a sample point', () => {
    const [x1, x2] = [1.5, -2];
    const expected: Record<string, number> = {
      x1: 1.5,
      x2: -2,
      x1Squared: 2.25,
      x2Squared: 4,
      x1x2: -3,
      sinX1: Math.sin(1.5),
      sinX2: Math.sin(-2),
    };
    for (const [name, feature] of FEATURES) expect(feature.compute(x1, x2)).toBeCloseTo(expected[name], 12);
  });
});

describe('featurize', () => {
  const points = { x1: Float32Array.of(1, -0.5, 3), x2: Float32Array.of(2, 4, -1), label: Uint8Array.of(1, 0, 1) };

  it('gives count × features values, one row per point, in the order asked', () => {
    const out = featurize(points, ['x1x2', 'x1', 'x2Squared']);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([2, 1, 4, -2, -0.5, 16, -3, 3, 1]);
  });

  it('handles the sine features', () => {
    const out = featurize(points, ['sinX1', 'sinX2']);
    expect(out.length).toBe(6);
    expect(out[4]).toBeCloseTo(Math.sin(3), 6);
    expect(out[5]).toBeCloseTo(Math.sin(-1), 6);
  });

  it('rejects an unknown or empty feature list', () => {
    expect(() => featurize(points, ['x1', 'cosX1'])).toThrow(/cosX1/);
    expect(() => featurize(points, ['constructor'])).toThrow(/constructor/);
    expect(() => featurize(points, [])).toThrow();
  });
});

describe('gridFeatures', () => {
  it('has resolution² rows of features.length values', () => {
    expect(gridFeatures(['x1', 'x2', 'x1x2'], 6, 10).length).toBe(10 * 10 * 3);
  });

  it('covers cell centres over [-range, range]² with the top row at +range and x1 growing to the right', () => {
    const resolution = 4;
    const grid = gridFeatures(['x1', 'x2'], 6, resolution);
    const at = (row: number, col: number): [number, number] => {
      const i = (row * resolution + col) * 2;
      return [grid[i], grid[i + 1]];
    };
    // Cells are 3 wide: centres at -4.5, -1.5, 1.5, 4.5.
    expect(at(0, 0)).toEqual([-4.5, 4.5]); // top left
    expect(at(0, 3)).toEqual([4.5, 4.5]); // top right
    expect(at(3, 0)).toEqual([-4.5, -4.5]); // bottom left
    expect(at(2, 1)).toEqual([-1.5, -1.5]);
    expect(gridCellCentre(6, resolution, 2, 1)).toEqual({ x1: -1.5, x2: -1.5 });
  });

  it('applies the chosen features at each centre', () => {
    const grid = gridFeatures(['x1Squared', 'x1x2', 'sinX2'], 1, 2);
    // Cell (1, 1) is the bottom-right cell, centre (0.5, -0.5).
    const i = (1 * 2 + 1) * 3;
    expect(grid[i]).toBeCloseTo(0.25, 6);
    expect(grid[i + 1]).toBeCloseTo(-0.25, 6);
    expect(grid[i + 2]).toBeCloseTo(Math.sin(-0.5), 6);
  });

  it('rejects a bad resolution, range or feature', () => {
    expect(() => gridFeatures(['x1'], 6, 0)).toThrow();
    expect(() => gridFeatures(['x1'], 6, 2.5)).toThrow();
    expect(() => gridFeatures(['x1'], 0, 4)).toThrow();
    expect(() => gridFeatures(['y'], 6, 4)).toThrow(/y/);
  });
});
