import { describe, expect, it } from 'vitest';
import { DigitPadStrokes } from '../../../src/widgets/digits/DigitPadStrokes.svelte.ts';

describe('DigitPadStrokes', () => {
  it('starts empty', () => {
    const pad = new DigitPadStrokes();
    expect(pad.isEmpty).toBe(true);
    expect(pad.isDrawing).toBe(false);
    expect(pad.strokes).toEqual([]);
  });

  it('records each pen-down … pen-up as one stroke', () => {
    const pad = new DigitPadStrokes();
    pad.begin({ x: 10, y: 10 });
    expect(pad.extend({ x: 20, y: 10 }, { x: 30, y: 15 })).toBe(true);
    pad.end();
    pad.begin({ x: 100, y: 100 });
    pad.end();
    expect(pad.strokes).toEqual([
      [{ x: 10, y: 10 }, { x: 20, y: 10 }, { x: 30, y: 15 }],
      [{ x: 100, y: 100 }],
    ]);
    expect(pad.isEmpty).toBe(false);
  });

  it('ignores moves with the pen up and jitter smaller than half a unit', () => {
    const pad = new DigitPadStrokes();
    expect(pad.extend({ x: 1, y: 1 })).toBe(false);
    pad.begin({ x: 10, y: 10 });
    expect(pad.extend({ x: 10.2, y: 10.1 })).toBe(false);
    pad.end();
    expect(pad.extend({ x: 50, y: 50 })).toBe(false);
    expect(pad.strokes).toEqual([[{ x: 10, y: 10 }]]);
  });

  it('gives a new strokes array on every change and never mutates an old one', () => {
    const pad = new DigitPadStrokes();
    pad.begin({ x: 0, y: 0 });
    const before = pad.strokes;
    const firstStroke = before[0];
    pad.extend({ x: 5, y: 5 });
    expect(pad.strokes).not.toBe(before);
    expect(firstStroke).toHaveLength(1);
    expect(before).toHaveLength(1);
  });

  it('undo removes only the last stroke, even one still being drawn', () => {
    const pad = new DigitPadStrokes();
    pad.begin({ x: 0, y: 0 });
    pad.end();
    pad.begin({ x: 9, y: 9 });
    pad.extend({ x: 20, y: 20 });
    expect(pad.undo()).toBe(true);
    expect(pad.isDrawing).toBe(false);
    expect(pad.strokes).toEqual([[{ x: 0, y: 0 }]]);
    expect(pad.extend({ x: 30, y: 30 })).toBe(false);
    expect(pad.undo()).toBe(true);
    expect(pad.undo()).toBe(false);
    expect(pad.isEmpty).toBe(true);
  });

  it('clear removes everything', () => {
    const pad = new DigitPadStrokes();
    pad.begin({ x: 0, y: 0 });
    pad.extend({ x: 5, y: 5 });
    pad.clear();
    expect(pad.isEmpty).toBe(true);
    expect(pad.isDrawing).toBe(false);
  });
});
