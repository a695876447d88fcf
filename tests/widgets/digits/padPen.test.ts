import { describe, expect, it } from 'vitest';
import { PEN_START, penKey, penPoint, type Pen } from '../../../src/widgets/digits/padPen';

/** Presses keys in turn from the start, returning the strokes they made. */
function press(keys: [string, boolean?][], side = 28): { pen: Pen; strokes: (string | null)[] } {
  let pen = PEN_START;
  const strokes: (string | null)[] = [];
  for (const [key, shift] of keys) {
    const next = penKey(pen, key, shift ?? false, side);
    if (!next) continue;
    pen = next.pen;
    strokes.push(next.stroke);
  }
  return { pen, strokes };
}

describe('the keyboard pen', () => {
  it('moves a lifted pen without drawing; Space puts it down, moves then draw, Space lifts it', () => {
    const { pen, strokes } = press([['ArrowUp'], [' '], ['ArrowDown'], ['ArrowDown', true], [' '], ['ArrowLeft']]);
    expect(strokes).toEqual([null, 'begin', 'extend', 'extend', 'end', null]);
    expect(pen).toEqual({ col: 13, row: 17, down: false });
  });

  it('stays on the pad and ignores keys that are not its own', () => {
    expect(press(Array.from({ length: 20 }, () => ['ArrowRight', true] as [string, boolean])).pen.col).toBe(27);
    expect(press(Array.from({ length: 20 }, () => ['ArrowUp', true] as [string, boolean])).pen.row).toBe(0);
    expect(penKey(PEN_START, 'Tab', false, 28)).toBeNull();
    expect(penKey(PEN_START, 'a', false, 28)).toBeNull();
  });

  it('draws at the centre of its cell, in pad units', () => {
    expect(penPoint({ col: 0, row: 27, down: true }, 28, 280)).toEqual({ x: 5, y: 275 });
  });
});
