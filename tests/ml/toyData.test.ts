import { describe, expect, it } from 'vitest';
import {
  curveFunction,
  DATASET_2D_KINDS,
  generate2D,
  generateCurve,
  generateLine,
  splitPoints,
  splitPoints2D,
  CURVE_KINDS,
  type Points1D,
} from '../../src/ml/toyData';

const sortedPairs = (p: Points1D): string[] => Array.from(p.x, (x, i) => `${x},${p.y[i]}`).sort();

describe('generateLine', () => {
  const options = { count: 200, slope: 2, intercept: -0.5, noise: 0.1, seed: 7 };

  it('is deterministic under a seed and changes with it', () => {
    const a = generateLine(options);
    const b = generateLine(options);
    const c = generateLine({ ...options, seed: 8 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
    expect(a.x.length).toBe(200);
    expect(a.y.length).toBe(200);
  });

  it('draws x from [-1, 1] by default and from xRange when given', () => {
    const a = generateLine(options);
    expect(Math.min(...a.x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a.x)).toBeLessThanOrEqual(1);
    expect(Math.min(...a.x)).toBeLessThan(-0.9);
    expect(Math.max(...a.x)).toBeGreaterThan(0.9);
    const b = generateLine({ ...options, xRange: [2, 5] });
    expect(Math.min(...b.x)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...b.x)).toBeLessThanOrEqual(5);
  });

  it('puts the points on the line exactly when there is no noise', () => {
    const p = generateLine({ ...options, noise: 0 });
    for (let i = 0; i < p.x.length; i++) expect(p.y[i]).toBeCloseTo(2 * p.x[i] - 0.5, 5);
  });
});

describe('generateCurve', () => {
  it.each(CURVE_KINDS)('%s is deterministic, in [-1, 1] for x and about [-1, 1] for y', (kind) => {
    const a = generateCurve(kind, { count: 120, noise: 0.05, seed: 3 });
    const b = generateCurve(kind, { count: 120, noise: 0.05, seed: 3 });
    const c = generateCurve(kind, { count: 120, noise: 0.05, seed: 4 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.y).not.toEqual(c.y);
    expect(a.x.length).toBe(120);
    for (const x of a.x) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    for (const y of a.y) expect(Math.abs(y)).toBeLessThan(1.3);
    const clean = generateCurve(kind, { count: 50, noise: 0, seed: 5 });
    const f = curveFunction(kind);
    for (let i = 0; i < 50; i++) expect(clean.y[i]).toBeCloseTo(f(clean.x[i]), 5);
  });

  it('has the expected shapes', () => {
    expect(curveFunction('sine')(1 / 3)).toBeCloseTo(1, 10);
    expect(curveFunction('step')(-0.2)).toBeLessThan(0);
    expect(curveFunction('step')(0.2)).toBeGreaterThan(0);
    expect(curveFunction('quadratic')(0)).toBe(-1);
    expect(curveFunction('quadratic')(1)).toBe(1);
    expect(curveFunction('quadratic')(-1)).toBe(1);
  });
});

describe('splitPoints', () => {
  const points = generateLine({ count: 101, slope: 1, intercept: 0, noise: 0.1, seed: 9 });

  it('splits into disjoint parts that together hold every point, deterministically', () => {
    const a = splitPoints(points, 0.2, 1);
    expect(a.validation.x.length).toBe(20);
    expect(a.train.x.length).toBe(81);
    const joined = {
      x: Float32Array.from([...a.train.x, ...a.validation.x]),
      y: Float32Array.from([...a.train.y, ...a.validation.y]),
    };
    expect(sortedPairs(joined)).toEqual(sortedPairs(points));
    const b = splitPoints(points, 0.2, 1);
    expect(b.validation.x).toEqual(a.validation.x);
    const c = splitPoints(points, 0.2, 2);
    expect(c.validation.x).not.toEqual(a.validation.x);
  });

  it('handles the edge fractions', () => {
    expect(splitPoints(points, 0, 1).validation.x.length).toBe(0);
    expect(splitPoints(points, 1, 1).train.x.length).toBe(0);
    expect(splitPoints(points, 1.5, 1).validation.x.length).toBe(101);
  });
});

describe('generate2D (TensorFlow Playground shapes)', () => {
  it.each(DATASET_2D_KINDS)('%s is deterministic, the right size, balanced and inside about [-6, 6]', (kind) => {
    const a = generate2D(kind, { count: 400, noise: 0, seed: 21 });
    const b = generate2D(kind, { count: 400, noise: 0, seed: 21 });
    const c = generate2D(kind, { count: 400, noise: 0, seed: 22 });
    expect(a.x1).toEqual(b.x1);
    expect(a.x2).toEqual(b.x2);
    expect(a.label).toEqual(b.label);
    expect(a.x1).not.toEqual(c.x1);
    expect([a.x1.length, a.x2.length, a.label.length]).toEqual([400, 400, 400]);
    let positives = 0;
    for (const l of a.label) {
      expect(l === 0 || l === 1).toBe(true);
      positives += l;
    }
    expect(positives).toBeGreaterThan(160);
    expect(positives).toBeLessThan(240);
    for (let i = 0; i < 400; i++) {
      expect(Math.abs(a.x1[i])).toBeLessThan(6.5);
      expect(Math.abs(a.x2[i])).toBeLessThan(6.5);
    }
    // Shuffled, as Playground does: the first half is not all one class.
    const firstHalf = a.label.subarray(0, 200).reduce((s, l) => s + l, 0);
    expect(firstHalf).toBeGreaterThan(50);
    expect(firstHalf).toBeLessThan(150);
  });

  it('gives exactly count points for an odd count', () => {
    for (const kind of DATASET_2D_KINDS) expect(generate2D(kind, { count: 7, noise: 10, seed: 1 }).label.length).toBe(7);
  });

  it('labels noise-free points by the shape: circle inside, xor quadrants, gauss blobs', () => {
    const circle = generate2D('circle', { count: 300, noise: 0, seed: 2 });
    const xor = generate2D('xor', { count: 300, noise: 0, seed: 2 });
    const gauss = generate2D('gauss', { count: 300, noise: 0, seed: 2 });
    for (let i = 0; i < 300; i++) {
      const r = Math.hypot(circle.x1[i], circle.x2[i]);
      expect(circle.label[i]).toBe(r < 2.5 ? 1 : 0);
      expect(r < 2.5 || r > 3.5 - 1e-5).toBe(true);
      expect(xor.label[i]).toBe(xor.x1[i] * xor.x2[i] >= 0 ? 1 : 0);
      expect(Math.min(Math.abs(xor.x1[i]), Math.abs(xor.x2[i]))).toBeGreaterThanOrEqual(0.3 - 1e-6);
    }
    let meanPositive = 0;
    let positives = 0;
    for (let i = 0; i < 300; i++) {
      if (gauss.label[i] === 1) {
        meanPositive += gauss.x1[i] + gauss.x2[i];
        positives++;
      }
    }
    expect(meanPositive / positives / 2).toBeCloseTo(2, 0);
  });

  it('flips some labels near the boundary when noisy, and spreads spiral points', () => {
    const noisy = generate2D('circle', { count: 400, noise: 50, seed: 3 });
    let mislabelled = 0;
    for (let i = 0; i < 400; i++) if (noisy.label[i] !== (Math.hypot(noisy.x1[i], noisy.x2[i]) < 2.5 ? 1 : 0)) mislabelled++;
    expect(mislabelled).toBeGreaterThan(10);
    const clean = generate2D('spiral', { count: 200, noise: 0, seed: 3 });
    const spread = generate2D('spiral', { count: 200, noise: 50, seed: 3 });
    const maxRadius = (p: typeof clean): number => Math.max(...Array.from(p.x1, (x, i) => Math.hypot(x, p.x2[i])));
    expect(maxRadius(clean)).toBeLessThanOrEqual(5);
    expect(maxRadius(spread)).toBeGreaterThan(5);
  });

  it('rejects an unknown kind', () => {
    expect(() => generate2D('moons' as never, { count: 10, noise: 0, seed: 1 })).toThrow(/moons/);
  });
});

describe('splitPoints2D', () => {
  it('keeps trainFraction for training, the rest for testing, disjoint and deterministic', () => {
    const points = generate2D('xor', { count: 200, noise: 5, seed: 1 });
    const a = splitPoints2D(points, 0.7, 5);
    expect(a.train.label.length).toBe(140);
    expect(a.test.label.length).toBe(60);
    const key = (p: typeof points, i: number): string => `${p.x1[i]},${p.x2[i]},${p.label[i]}`;
    const all = Array.from(points.label, (_, i) => key(points, i)).sort();
    const joined = [
      ...Array.from(a.train.label, (_, i) => key(a.train, i)),
      ...Array.from(a.test.label, (_, i) => key(a.test, i)),
    ].sort();
    expect(joined).toEqual(all);
    expect(splitPoints2D(points, 0.7, 5).test.x1).toEqual(a.test.x1);
    expect(splitPoints2D(points, 0.7, 6).test.x1).not.toEqual(a.test.x1);
  });
});
