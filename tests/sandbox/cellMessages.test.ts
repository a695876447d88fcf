// The page's check of a sandbox frame's messages: the learner's code runs there, so anything may
// arrive. Well-formed messages pass as they are; the rest are dropped whole, and nothing throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFrameMessage } from '../../src/sandbox/cellMessages';
import type { CellOutputItem, FrameToPage } from '../../src/sandbox/cellProtocol';
import { addOutput, emptyOutput } from '../../src/widgets/cells/cellOutput';

const images = (count: number, height: number, width: number, channels: 1 | 3, length = count * height * width * channels) => ({
  kind: 'images',
  id: 3,
  title: 'Digits',
  count,
  height,
  width,
  channels,
  pixels: new Uint8ClampedArray(length),
  labels: Array.from({ length: count }, (_, i) => `${i}`),
});

const output = (...items: unknown[]) => ({ type: 'output', runId: 7, items });

describe('readFrameMessage accepts', () => {
  const wellFormed: FrameToPage[] = [
    { type: 'frame-ready' },
    { type: 'started', runId: 1, backend: 'wasm', baselineTensors: 0 },
    { type: 'done', runId: 1, ms: 12.5, tensorsLeft: 3, baselineTensors: 3 },
    { type: 'failed', runId: 2, error: { name: 'TypeError', message: 'x is not a function', line: 4, column: 9 }, scriptError: false },
    { type: 'failed', runId: 2, error: { name: 'SyntaxError', message: 'Unexpected token', line: 30 }, scriptError: true },
    { type: 'stopped', runId: 9 },
    {
      type: 'output',
      runId: 1,
      items: [
        { kind: 'line', level: 'log', text: 'hello' },
        { kind: 'line', level: 'info', text: '' },
        { kind: 'line', level: 'warn', text: 'w' },
        { kind: 'line', level: 'error', text: 'e' },
        { kind: 'chart', id: 1, title: 'Loss', xTitle: 'epoch', points: [{ x: 0, loss: 1 }, { x: 1, loss: 0.5, valLoss: 0.6, accuracy: 80, valAccuracy: 75 }, { x: 2 }] },
        images(2, 28, 28, 1) as CellOutputItem,
        images(1, 512, 4, 3) as CellOutputItem,
        images(3, 4, 512, 1) as CellOutputItem,
        { kind: 'table', id: 4, title: 'Rates', columns: ['lr', 'loss'], rows: [[0.1, 'low'], [-2, '']] },
        { kind: 'report', figures: { loss: 0.1, name: 'mse', passed: true } },
      ],
    },
    { type: 'output', runId: 0, items: [] },
  ];

  it.each(wellFormed.map((message) => [message.type, message]))('a well-formed %s message, unchanged', (_type, message) => {
    expect(readFrameMessage(message)).toEqual(message);
  });

  it('a failed message without scriptError as not one', () => {
    expect(readFrameMessage({ type: 'failed', runId: 1, error: { name: 'Error', message: 'm' } })).toEqual({ type: 'failed', runId: 1, error: { name: 'Error', message: 'm' }, scriptError: false });
  });

  it('cuts long text to its limit', () => {
    const message = readFrameMessage(output({ kind: 'line', level: 'log', text: 'x'.repeat(10_000) }, { kind: 'table', id: 1, title: 't'.repeat(500), columns: ['c'.repeat(300)], rows: [['v'.repeat(300)]] }));
    if (message?.type !== 'output') throw new Error('expected output');
    const [line, table] = message.items;
    expect(line.kind === 'line' && line.text.length).toBe(4200);
    expect(table).toMatchObject({ title: 't'.repeat(200), columns: ['c'.repeat(100)], rows: [['v'.repeat(200)]] });
  });

  it('drops report figures it may not show, keeping the rest', () => {
    const figures = JSON.parse('{"__proto__": 1, "constructor2": 2, "_x": 3, "a b": 4, "loss": NaN, "ok": 0.5, "big": {"x": 1}, "fine": "yes"}'.replace('NaN', 'null'));
    const message = readFrameMessage(output({ kind: 'report', figures }));
    if (message?.type !== 'output' || message.items[0].kind !== 'report') throw new Error('expected a report');
    const kept = message.items[0].figures;
    expect(kept).toEqual({ constructor2: 2, ok: 0.5, fine: 'yes' });
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.hasOwn(kept, '__proto__')).toBe(false);
  });
});

describe('readFrameMessage rejects', () => {
  const hostile: [string, unknown][] = [
    ['null', null],
    ['a string', 'started'],
    ['an array', [{ type: 'frame-ready' }]],
    ['an unknown type', { type: 'eval', runId: 1 }],
    ['no run id', { type: 'stopped' }],
    ['a negative run id', { type: 'stopped', runId: -1 }],
    ['a fractional run id', { type: 'stopped', runId: 1.5 }],
    ['a run id as text', { type: 'stopped', runId: '1' }],
    ['started without its tensors', { type: 'started', runId: 1, backend: 'cpu' }],
    ['started with NaN tensors', { type: 'started', runId: 1, backend: 'cpu', baselineTensors: Number.NaN }],
    ['done with infinite time', { type: 'done', runId: 1, ms: Infinity, tensorsLeft: 0, baselineTensors: 0 }],
    ['done with NaN time', { type: 'done', runId: 1, ms: Number.NaN, tensorsLeft: 0, baselineTensors: 0 }],
    ['done with tensors as text', { type: 'done', runId: 1, ms: 1, tensorsLeft: '0', baselineTensors: 0 }],
    ['failed without an error', { type: 'failed', runId: 1 }],
    ['failed with a message that is not text', { type: 'failed', runId: 1, error: { name: 'Error', message: 42 } }],
    ['output without items', { type: 'output', runId: 1 }],
    ['output with items as an object', { type: 'output', runId: 1, items: { 0: { kind: 'line', level: 'log', text: 'x' } } }],
    ['too many items', output(...Array.from({ length: 501 }, () => ({ kind: 'line', level: 'log', text: 'x' })))],
    ['an unknown item', output({ kind: 'html', html: '<img src=x onerror=alert(1)>' })],
    ['a line of an unknown level', output({ kind: 'line', level: 'debug', text: 'x' })],
    ['a line that is not text', output({ kind: 'line', level: 'log', text: { toString: 'x' } })],
    ['a chart point with NaN loss', output({ kind: 'chart', id: 1, title: '', xTitle: 'step', points: [{ x: 1, loss: Number.NaN }] })],
    ['a chart point with infinite x', output({ kind: 'chart', id: 1, title: '', xTitle: 'step', points: [{ x: Infinity }] })],
    ['a chart point with loss as text', output({ kind: 'chart', id: 1, title: '', xTitle: 'step', points: [{ x: 1, loss: '1' }] })],
    ['a chart with a fractional id', output({ kind: 'chart', id: 1.5, title: '', xTitle: 'step', points: [] })],
    ['a chart with too many points', output({ kind: 'chart', id: 1, title: '', xTitle: 'step', points: Array.from({ length: 5001 }, (_, x) => ({ x })) })],
    ['images whose pixels are short', output(images(2, 28, 28, 1, 2 * 28 * 28 - 1))],
    ['images whose pixels are long', output(images(2, 28, 28, 1, 2 * 28 * 28 + 1))],
    ['images whose pixels are a plain array', output({ ...images(1, 2, 2, 1), pixels: [0, 0, 0, 0] })],
    ['images whose pixels are other bytes', output({ ...images(1, 2, 2, 1), pixels: new Uint8Array(4) })],
    ['images taller than 512', output(images(1, 513, 4, 1))],
    ['images wider than 512', output(images(1, 4, 513, 1))],
    ['more than 100 images', output(images(101, 1, 1, 1))],
    ['images of 2 channels', output({ ...images(1, 2, 2, 1, 8), channels: 2 })],
    ['a table of 21 columns', output({ kind: 'table', id: 1, title: '', columns: Array.from({ length: 21 }, (_, i) => `${i}`), rows: [] })],
    ['a table of 201 rows', output({ kind: 'table', id: 1, title: '', columns: ['a'], rows: Array.from({ length: 201 }, () => [1]) })],
    ['a table row that is not a list', output({ kind: 'table', id: 1, title: '', columns: ['a'], rows: [{ a: 1 }] })],
    ['a report without figures', output({ kind: 'report' })],
    ['one bad item among good ones', output({ kind: 'line', level: 'log', text: 'fine' }, { kind: 'line', level: 'log' })],
  ];

  it.each(hostile)('%s', (_what, message) => {
    expect(readFrameMessage(message)).toBeNull();
  });

  it('lists with holes (a message keeps them), which the page would read as items', () => {
    // postMessage's structured clone keeps an array's holes; a hole is not an item, a point or a row.
    const sparse = <T>(length: number, ...set: [number, T][]): T[] => {
      const list = new Array<T>(length);
      for (const [i, value] of set) list[i] = value;
      return list;
    };
    expect(readFrameMessage({ type: 'output', runId: 1, items: sparse(2, [0, { kind: 'line', level: 'log', text: 'x' }]) })).toBeNull();
    expect(readFrameMessage(output({ kind: 'chart', id: 1, title: '', xTitle: 'step', points: sparse(3, [2, { x: 1 }]) }))).toBeNull();
    expect(readFrameMessage(output({ kind: 'table', id: 1, title: '', columns: ['a'], rows: sparse(2, [0, [1]]) }))).toBeNull();
    const table = readFrameMessage(output({ kind: 'table', id: 1, title: '', columns: sparse(2, [1, 'b']), rows: [sparse(2, [1, 5])] }));
    expect(table).toEqual(output({ kind: 'table', id: 1, title: '', columns: ['', 'b'], rows: [['', 5]] }));
    const pictures = readFrameMessage(output({ ...images(2, 1, 1, 1), labels: sparse(2, [1, 'b']) }));
    expect(pictures?.type === 'output' && pictures.items[0].kind === 'images' && pictures.items[0].labels).toEqual(['', 'b']);
  });
});

describe('readFrameMessage on anything', () => {
  const known = new Set(['frame-ready', 'started', 'output', 'done', 'failed', 'stopped']);

  /** What the page relies on in a message it was given. */
  function checkUsable(message: FrameToPage | null): void {
    if (message === null) return;
    expect(known.has(message.type)).toBe(true);
    if (message.type !== 'output') return;
    for (const item of message.items) {
      expect(typeof item).toBe('object');
      expect(item).not.toBeNull();
      if (item.kind === 'images') expect(item.pixels.length).toBe(item.count * item.height * item.width * item.channels);
      if (item.kind === 'chart') for (const point of item.points) expect(Number.isFinite(point.x)).toBe(true);
      if (item.kind === 'table') for (const row of item.rows) expect(Array.isArray(row)).toBe(true);
    }
    // And the page's output model takes it without throwing.
    addOutput(emptyOutput(), message.items);
  }

  const anything = fc.anything({ withTypedArray: true, withSparseArray: true, withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withBoxedValues: true, maxDepth: 4 });

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(anything, (value) => {
        checkUsable(readFrameMessage(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on messages with random fields', () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anything);
    const number = fc.oneof(fc.nat(600), fc.double(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(Number.NaN, Infinity, -0, 1e7));
    const sparseOr = <T>(arb: fc.Arbitrary<T>, maxLength: number) => fc.oneof(fc.array(arb, { maxLength }), fc.sparseArray(arb, { maxLength }));
    const point = fc.record({ x: maybe(number), loss: maybe(number), valLoss: maybe(number), accuracy: maybe(number), valAccuracy: maybe(number) }, { requiredKeys: [] });
    const item = fc.record(
      {
        kind: maybe(fc.constantFrom('line', 'chart', 'images', 'table', 'report')),
        level: maybe(fc.constantFrom('log', 'info', 'warn', 'error')),
        text: maybe(fc.string()),
        id: maybe(number),
        title: maybe(fc.string()),
        xTitle: maybe(fc.constantFrom('step', 'epoch')),
        points: maybe(sparseOr(point, 8)),
        count: maybe(fc.nat(3)),
        height: maybe(fc.nat(3)),
        width: maybe(fc.nat(3)),
        channels: maybe(fc.constantFrom(1, 3)),
        pixels: maybe(fc.nat(40).map((n) => new Uint8ClampedArray(n))),
        labels: maybe(sparseOr(fc.string(), 4)),
        columns: maybe(sparseOr(fc.string(), 22)),
        rows: maybe(sparseOr(maybe(sparseOr(maybe(number), 4)), 4)),
        figures: maybe(fc.dictionary(fc.string(), maybe(number))),
      },
      { requiredKeys: [] },
    );
    const message = fc.record(
      {
        type: maybe(fc.constantFrom('frame-ready', 'started', 'output', 'done', 'failed', 'stopped')),
        runId: maybe(number),
        backend: maybe(fc.string()),
        baselineTensors: maybe(number),
        tensorsLeft: maybe(number),
        ms: maybe(number),
        items: maybe(sparseOr(item, 6)),
        error: maybe(fc.record({ name: maybe(fc.string()), message: maybe(fc.string()), line: maybe(number), column: maybe(number) }, { requiredKeys: [] })),
        scriptError: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(message, (value) => {
        checkUsable(readFrameMessage(value));
      }),
      { numRuns: 2000 },
    );
  });
});
