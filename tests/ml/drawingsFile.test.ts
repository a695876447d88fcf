import { describe, expect, it } from 'vitest';
import { DRAWINGS_FORMAT, MAX_FILE_BYTES, parseDrawings, serializeDrawings } from '../../src/ml/drawingsFile';
import { DRAWING_PIXELS, MAX_PER_CLASS, type DrawingClass } from '../../src/ml/ownClassifier';

const drawing = (seed: number) => Uint8Array.from({ length: DRAWING_PIXELS }, (_, i) => (i * 31 + seed * 7) % 256);
const own: DrawingClass[] = [
  { name: '✓', drawings: [drawing(1), drawing(2)] },
  { name: 'circle', drawings: [drawing(3)] },
];

describe('drawings file', () => {
  it('round-trips names and every pixel', () => {
    const text = serializeDrawings(own);
    expect(JSON.parse(text)).toMatchObject({ format: DRAWINGS_FORMAT, version: 1 });
    const back = parseDrawings(text);
    if (!back.ok) throw new Error(back.message);
    expect(back.classes.map((c) => c.name)).toEqual(['✓', 'circle']);
    expect(back.classes.map((c) => c.drawings.map((d) => [...d]))).toEqual(own.map((c) => c.drawings.map((d) => [...d])));
  });

  it('refuses a corrupt file with a message', () => {
    const text = serializeDrawings(own);
    const cases: [string, RegExp][] = [
      [text.slice(0, text.length / 2), /not valid JSON/],
      ['[]', /not a Gradient Lab drawings file/],
      [JSON.stringify({ format: 'something-else', version: 1, classes: [] }), /not a Gradient Lab drawings file/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1 }), /no list of classes/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [{ name: 'a', drawings: ['AAAA'] }] }), /drawing 1 of “a” is not a 784-pixel image/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [{ name: 'a', drawings: ['not base64!'] }] }), /drawing 1 of “a”/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [{ name: 'a', drawings: [42] }] }), /drawing 1 of “a”/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [{ name: '', drawings: [] }] }), /Give the class a name/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [{ name: 'a', drawings: [] }, { name: 'a', drawings: [] }] }), /already a class called “a”/],
      [JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: [1, 2] }), /class 1 is not a name/],
    ];
    for (const [input, message] of cases) {
      const result = parseDrawings(input);
      expect(result.ok, input.slice(0, 60)).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
  });

  it('refuses a file from another version, naming both versions', () => {
    const result = parseDrawings(JSON.stringify({ format: DRAWINGS_FORMAT, version: 2, classes: [] }));
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/version 2, but this page reads version 1/) });
  });

  it('refuses a huge file before parsing it, and too many classes or drawings', () => {
    const huge = parseDrawings(' '.repeat(MAX_FILE_BYTES + 1));
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.message).toMatch(/at most 1 MB/);
    const sixClasses = Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, drawings: [] }));
    const many = parseDrawings(JSON.stringify({ format: DRAWINGS_FORMAT, version: 1, classes: sixClasses }));
    if (!many.ok) expect(many.message).toMatch(/6 classes; at most 5/);
    expect(many.ok).toBe(false);
    const tooMany = serializeDrawings([{ name: 'x', drawings: Array.from({ length: MAX_PER_CLASS + 1 }, () => drawing(0)) }]);
    const result = parseDrawings(tooMany);
    if (!result.ok) expect(result.message).toMatch(/101 drawings; at most 100/);
    expect(result.ok).toBe(false);
  });
});
