import type { PadPoint } from './DigitPadStrokes.svelte';

/**
 * A 28×28 digit (0–255, ink high) as pen strokes on a pad of `padSize` units: one stroke per run
 * of ink in each row, the way a hand would trace it. Lets the pad show a real held-out digit as a
 * drawing the learner can then change with the pen, Undo and Clear.
 */
export function strokesFromDigit(pixels: Uint8Array, side: number, padSize: number, threshold = 128): PadPoint[][] {
  const cell = padSize / side;
  const strokes: PadPoint[][] = [];
  for (let row = 0; row < side; row++) {
    let col = 0;
    while (col < side) {
      while (col < side && pixels[row * side + col] < threshold) col++;
      if (col >= side) break;
      const start = col;
      while (col < side && pixels[row * side + col] >= threshold) col++;
      const y = (row + 0.5) * cell;
      const first = { x: (start + 0.5) * cell, y };
      strokes.push(col - 1 === start ? [first] : [first, { x: (col - 0.5) * cell, y }]);
    }
  }
  return strokes;
}
