// The digit pad's keyboard pen: a cursor on the 28×28 grid the model reads. Arrows move it one
// cell (three with Shift), Space puts the pen down (a dot) or lifts it; with the pen down, moving
// draws. Pure, so the keys are tested without a canvas.
import type { PadPoint } from './DigitPadStrokes.svelte';

export interface Pen {
  col: number;
  row: number;
  down: boolean;
}

/** Where the pen starts: the middle of the pad, lifted. */
export const PEN_START: Pen = { col: 14, row: 14, down: false };

const MOVES = new Map<string, readonly [number, number]>([
  ['ArrowUp', [0, -1]],
  ['ArrowDown', [0, 1]],
  ['ArrowLeft', [-1, 0]],
  ['ArrowRight', [1, 0]],
]);

/** What the pen does to the drawing: start a stroke, carry it on, end it, or nothing (a lifted move). */
export type PenStroke = 'begin' | 'extend' | 'end' | null;

/** The pen after a key, and what it does to the drawing; null when the key is not the pen's. */
export function penKey(pen: Pen, key: string, shift: boolean, side: number): { pen: Pen; stroke: PenStroke } | null {
  if (key === ' ' || key === 'Spacebar') {
    const down = !pen.down;
    return { pen: { ...pen, down }, stroke: down ? 'begin' : 'end' };
  }
  const move = MOVES.get(key);
  if (!move) return null;
  const step = shift ? 3 : 1;
  const clamp = (v: number) => Math.min(side - 1, Math.max(0, v));
  const next = { ...pen, col: clamp(pen.col + move[0] * step), row: clamp(pen.row + move[1] * step) };
  return { pen: next, stroke: pen.down ? 'extend' : null };
}

/** The centre of the pen's cell in pad units (the pad is `size` units wide). */
export function penPoint(pen: Pen, side: number, size: number): PadPoint {
  const cell = size / side;
  return { x: (pen.col + 0.5) * cell, y: (pen.row + 0.5) * cell };
}
