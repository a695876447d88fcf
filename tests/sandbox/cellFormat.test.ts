// How a cell's console prints a value: one line of text, cut short for huge or circular values.
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLine, MAX_LINE } from '../../src/sandbox/cellFormat';

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

describe('formatLine', () => {
  it('prints plain values as a console would', () => {
    expect(formatLine(['text', 1, -0, 2.5, true, null, undefined, 10n])).toBe('text 1 -0 2.5 true null undefined 10n');
    expect(formatLine([Symbol('s'), function named() {}, () => 1])).toBe('Symbol(s) [Function named] [Function anonymous]');
    expect(formatLine([new RangeError('too far')])).toBe('RangeError: too far');
    expect(formatLine([])).toBe('');
  });

  it('prints objects, arrays, typed arrays, maps and sets', () => {
    expect(formatLine([{ a: 1, b: 'two', c: [1, 2], d: {} }])).toBe('{ a: 1, b: "two", c: [1, 2], d: {} }');
    expect(formatLine([new Float32Array([1, 0.5])])).toBe('Float32Array(2) [1, 0.5]');
    expect(formatLine([new Map([['k', 1]]), new Set([1, 'a'])])).toBe('Map(1) {"k" => 1} Set(2) {1, "a"}');
  });

  it('prints a tensor as tfjs does, and a freed one without failing', () => {
    const t = tfc.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(formatLine([t])).toBe(t.toString());
    expect(formatLine([t])).toMatch(/^Tensor\n.*\[\[1, 2\],\n.*\[3, 4\]\]$/s);
    expect(formatLine(['in', { t }])).toContain('Tensor');
    t.dispose();
    expect(formatLine([t])).toBe('Tensor (disposed) shape [2, 2] float32');
  });

  it('cuts nesting at depth 3', () => {
    expect(formatLine([{ a: { b: { c: { d: 1 } } } }])).toBe('{ a: { b: { c: [Object] } } }');
    expect(formatLine([[[[[1]]]]])).toBe('[[[[Array]]]]');
  });

  it('cuts lists at 50 items', () => {
    expect(formatLine([Array.from({ length: 60 }, (_, i) => i)])).toBe(`[${Array.from({ length: 50 }, (_, i) => i).join(', ')}, … 10 more]`);
    const wide = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`k${i}`, i]));
    expect(formatLine([wide])).toMatch(/k49: 49, … 2 more \}$/);
    expect(formatLine([new Uint8Array(100)])).toMatch(/^Uint8Array\(100\) \[(0, ){50}… 50 more\]$/);
  });

  it('says [Circular] for a value inside itself, but prints a value seen twice side by side', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(formatLine([loop])).toBe('{ name: "loop", self: [Circular] }');
    const list: unknown[] = [1];
    list.push(list);
    expect(formatLine([list])).toBe('[1, [Circular]]');
    const shared = { x: 1 };
    expect(formatLine([{ a: shared, b: shared }])).toBe('{ a: { x: 1 }, b: { x: 1 } }');
  });

  it(`cuts a line at ${MAX_LINE} characters and says how long it was`, () => {
    const long = formatLine(['x'.repeat(10_000)]);
    expect(long).toBe(`${'x'.repeat(MAX_LINE)}… (10,000 characters)`);
    expect(formatLine(['y'.repeat(MAX_LINE)])).toBe('y'.repeat(MAX_LINE));
    // Many short arguments add up to a long line too.
    expect(formatLine(Array.from({ length: 3000 }, () => 'ab')).length).toBe(MAX_LINE + '… (8,999 characters)'.length);
  });
});
