import { describe, expect, it } from 'vitest';
import { strokesFromDigit } from '../../../src/widgets/digits/digitStrokes';

describe('strokesFromDigit', () => {
  it('traces each run of ink in a row as one stroke, in pad units', () => {
    const side = 4;
    // Row 1: ink at columns 1–2; row 3: a single inked pixel at column 0 (a dot).
    const pixels = new Uint8Array(side * side);
    pixels.set([0, 200, 255, 10], 4);
    pixels[12] = 128;
    const strokes = strokesFromDigit(pixels, side, 40);
    expect(strokes).toEqual([
      [
        { x: 15, y: 15 },
        { x: 25, y: 15 },
      ],
      [{ x: 5, y: 35 }],
    ]);
  });

  it('gives no strokes for an empty digit', () => {
    expect(strokesFromDigit(new Uint8Array(28 * 28), 28, 280)).toEqual([]);
  });
});
