import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { KERNEL_PRESETS, convolve, kernelResponses, presetOf, setWeight, windowAt, type Kernel } from '../../src/ml/convolution';
import { checkMet } from '../../src/shared/exerciseCheck';
import { lessonCheck } from '../lessonExercises';
import { useCpu } from './helpers';

beforeAll(useCpu);

// A 4×4 image with values 1…16, row by row.
const IMAGE = Float32Array.from({ length: 16 }, (_, i) => i + 1);
// Not symmetric, so a flipped kernel (true convolution) would give other numbers.
const KERNEL: Kernel = [1, 0, 0, 0, 0, 0, 0, 0, -1];

describe('convolve', () => {
  it("matches a hand-computed output with 'valid' padding (no kernel flip)", () => {
    // output(r, c) = image(r, c) - image(r + 2, c + 2): 1-11, 2-12, 5-15, 6-16.
    const out = convolve(IMAGE, 4, 4, KERNEL, 'valid');
    expect(out.width).toBe(2);
    expect(out.height).toBe(2);
    expect([...out.values]).toEqual([-10, -10, -10, -10]);
  });

  it("matches a hand-computed output with 'same' (zero) padding", () => {
    const out = convolve(IMAGE, 4, 4, KERNEL, 'same');
    expect(out.width).toBe(4);
    expect(out.height).toBe(4);
    // output(r, c) = image(r-1, c-1) - image(r+1, c+1), each term 0 outside the image.
    // prettier-ignore
    expect([...out.values]).toEqual([
      -6, -7, -8, 0,
      -10, -10, -10, 3,
      -14, -10, -10, 7,
      0, 9, 10, 11,
    ]);
  });

  it('computes a 3×3 sum by hand at one position of a 28×28 digit-sized image', () => {
    const image = new Float32Array(28 * 28);
    image[5 * 28 + 6] = 1; // one ink pixel at row 5, column 6
    image[6 * 28 + 7] = 0.5;
    const weights: Kernel = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const out = convolve(image, 28, 28, weights);
    expect(out.width).toBe(26);
    // The window with its top-left corner at (4, 5) holds the ink pixel at its centre (weight 5)
    // and the half-ink pixel at its bottom-right (weight 9).
    expect(out.values[4 * 26 + 5]).toBeCloseTo(5 + 0.5 * 9);
    expect(windowAt(image, 28, 4, 5)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0.5]);
    expect(out.values[0]).toBe(0);
  });

  it('agrees with tf.conv2d on a random image for every preset', () => {
    const image = Float32Array.from({ length: 28 * 28 }, (_, i) => ((i * 7919) % 101) / 100);
    for (const [name, { weights }] of KERNEL_PRESETS) {
      for (const padding of ['valid', 'same'] as const) {
        const ours = convolve(image, 28, 28, weights, padding);
        const theirs = tf.tidy(() => tf.conv2d(tf.tensor4d(image, [1, 28, 28, 1]), tf.tensor4d([...weights], [3, 3, 1, 1]), 1, padding).dataSync());
        expect(ours.values.length, `${name} ${padding}`).toBe(theirs.length);
        ours.values.forEach((v, i) => expect(v).toBeCloseTo(theirs[i], 4));
      }
    }
  });
});

describe('kernel settings', () => {
  const identity = KERNEL_PRESETS.get('identity')!.weights;

  it('clamps an absurd weight and says so', () => {
    const { kernel, message } = setWeight(identity, 2, '1e9');
    expect(kernel[2]).toBe(10);
    expect(message).toMatch(/top row, right column.*from -10 to 10.*changed to 10/);
    expect(setWeight(identity, 6, -50).kernel[6]).toBe(-10);
  });

  it('keeps the old weight when the input is not a number, and says so', () => {
    for (const raw of ['abc', '', 'NaN', 'Infinity', null]) {
      const { kernel, message } = setWeight(identity, 4, raw);
      expect(kernel).toBe(identity);
      expect(message).toMatch(/middle row, middle column must be a number.*stays 1/);
    }
  });

  it('accepts a good value without a message and names presets', () => {
    const { kernel, message } = setWeight(identity, 4, ' 2.5 ');
    expect(message).toBeUndefined();
    expect(kernel[4]).toBe(2.5);
    expect(presetOf(kernel)).toBe('custom');
    expect(presetOf(identity)).toBe('identity');
    expect(presetOf(KERNEL_PRESETS.get('blur')!.weights)).toBe('blur');
  });

  it("measures how strongly each preset answers edges and flat ink", () => {
    const of = (name: string) => kernelResponses(KERNEL_PRESETS.get(name)!.weights);
    expect(of('vertical')).toEqual({ verticalEdge: 4, horizontalEdge: 0, flatInk: 0 });
    expect(of('horizontal')).toEqual({ verticalEdge: 0, horizontalEdge: 4, flatInk: 0 });
    expect(of('identity')).toEqual({ verticalEdge: 1, horizontalEdge: 1, flatInk: 1 });
    const blur = of('blur');
    expect(blur.verticalEdge).toBeCloseTo(2 / 3);
    expect(blur.horizontalEdge).toBeCloseTo(2 / 3);
    expect(blur.flatInk).toBeCloseTo(1);
    expect(of('sharpen')).toEqual({ verticalEdge: 2, horizontalEdge: 2, flatInk: 1 });
    // A hand-made vertical-edge kernel (the lesson's exercise): strong on vertical edges only.
    expect(kernelResponses([-1, 0, 1, -1, 0, 1, -1, 0, 1])).toEqual({ verticalEdge: 3, horizontalEdge: 0, flatInk: 0 });
  });
});

describe("lesson 7's kernel exercise", () => {
  const check = lessonCheck('07-convolutions.md', 'own-vertical-kernel');
  const figures = (kernel: Kernel) => ({ preset: presetOf(kernel), ...kernelResponses(kernel) });

  it('is met by a hand-made vertical-edge kernel, in either direction', () => {
    expect(checkMet(check, figures([-1, 0, 1, -1, 0, 1, -1, 0, 1]))).toBe(true);
    expect(checkMet(check, figures([0, 1, -1, 0, 2, -2, 0, 1, -1]))).toBe(true);
  });

  it('is not met by a preset, a horizontal-edge kernel, or one that also lights up flat ink', () => {
    for (const { weights } of KERNEL_PRESETS.values()) expect(checkMet(check, figures(weights))).toBe(false);
    expect(checkMet(check, figures([-1, -1, -1, 0, 0, 0, 1, 1, 1]))).toBe(false);
    expect(checkMet(check, figures([-1, 0, 2, -1, 0, 2, -1, 0, 2]))).toBe(false);
  });
});
