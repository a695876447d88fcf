import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkAll, checkParam, checkValues, defaults, toQuery, type Schema } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';

const SCHEMA = {
  rate: { kind: 'number', label: 'Rate', min: 0.1, max: 10, default: 1 },
  count: { kind: 'number', label: 'Count', min: 1, max: 100, default: 5, integer: true },
  shape: { kind: 'enum', label: 'Shape', options: new Map([['circle', 'Circle'], ['square', 'Square']] as const), default: 'circle' },
  on: { kind: 'boolean', label: 'On', default: false },
} satisfies Schema;

describe('checkParam: numbers', () => {
  it('passes a number in range unchanged and without a message, from a number or a typed string', () => {
    expect(checkParam(SCHEMA.rate, 2.5)).toEqual({ value: 2.5, message: undefined });
    expect(checkParam(SCHEMA.rate, ' 2.5 ')).toEqual({ value: 2.5, message: undefined });
    expect(checkParam(SCHEMA.rate, '1e-1')).toEqual({ value: 0.1, message: undefined });
  });

  it('clamps to the range and says what it did', () => {
    expect(checkParam(SCHEMA.rate, 0)).toEqual({ value: 0.1, message: 'Rate must be from 0.1 to 10; 0 was changed to 0.1.' });
    expect(checkParam(SCHEMA.rate, '1e9')).toEqual({ value: 10, message: 'Rate must be from 0.1 to 10; 1000000000 was changed to 10.' });
    expect(checkParam(SCHEMA.rate, -Number.MAX_VALUE).value).toBe(0.1);
  });

  it('rounds whole-number settings, and clamps after rounding', () => {
    expect(checkParam(SCHEMA.count, 12.7)).toEqual({ value: 13, message: 'Count must be a whole number; 12.7 was rounded to 13.' });
    expect(checkParam(SCHEMA.count, 12.2).value).toBe(12);
    expect(checkParam(SCHEMA.count, 100.6)).toEqual({ value: 100, message: 'Count must be from 1 to 100; 100.6 was changed to 100.' });
    expect(checkParam(SCHEMA.count, 0.4)).toEqual({ value: 1, message: 'Count must be from 1 to 100; 0.4 was changed to 1.' });
    expect(checkParam(SCHEMA.rate, 2.7).value).toBe(2.7); // not a whole-number setting
  });

  it('replaces anything that is not a finite number with the default, with a message', () => {
    for (const raw of ['fast', '', '   ', 'NaN', NaN, Infinity, -Infinity, '1e400', '1,5', null, undefined, true, {}, [], '0x']) {
      const checked = checkParam(SCHEMA.rate, raw);
      expect(checked.value).toBe(1);
      expect(checked.message).toMatch(/^Rate must be a number from 0.1 to 10; ".*" is not one, so it was set back to 1\.$/);
    }
  });
});

describe('checkParam: enums and booleans', () => {
  it("accepts an option's key and nothing else, looked up in the Map", () => {
    expect(checkParam(SCHEMA.shape, 'square')).toEqual({ value: 'square' });
    expect(checkParam(SCHEMA.shape, 'Square')).toEqual({ value: 'circle', message: 'Shape: "Square" is not one of Circle, Square; using Circle.' });
    // Names every plain object has: an `in` or property lookup would let these through.
    for (const raw of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'size', 'get']) {
      expect(checkParam(SCHEMA.shape, raw)).toMatchObject({ value: 'circle', message: expect.stringContaining(`"${raw}" is not one of`) });
    }
    for (const raw of [1, null, undefined, ['square'], { toString: () => 'square' }]) expect(checkParam(SCHEMA.shape, raw).value).toBe('circle');
  });

  it('reads booleans from booleans and from true / false / 1 / 0 strings', () => {
    expect(checkParam(SCHEMA.on, true)).toEqual({ value: true });
    expect(checkParam(SCHEMA.on, false)).toEqual({ value: false });
    expect(checkParam(SCHEMA.on, 'true')).toEqual({ value: true });
    expect(checkParam(SCHEMA.on, '1')).toEqual({ value: true });
    expect(checkParam(SCHEMA.on, 'false')).toEqual({ value: false });
    expect(checkParam(SCHEMA.on, '0')).toEqual({ value: false });
    for (const raw of ['yes', 'TRUE', '', null, undefined, 2]) expect(checkParam(SCHEMA.on, raw)).toEqual({ value: false, message: 'On must be on or off.' });
  });
});

describe('checkValues, checkAll and defaults', () => {
  it('checks a partial set, drops unknown keys with a message, and keeps the order of the messages', () => {
    const { values, messages } = checkValues(SCHEMA, { count: '7', shape: 'hexagon', speed: 3, rate: 50 });
    expect(values).toEqual({ count: 7, shape: 'circle', rate: 10 });
    expect(messages).toEqual([
      'Shape: "hexagon" is not one of Circle, Square; using Circle.',
      'Unknown setting "speed" was ignored.',
      'Rate must be from 0.1 to 10; 50 was changed to 10.',
    ]);
  });

  it('treats keys every object inherits as unknown, and never sets a prototype', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x", "toString": 1, "on": "1"}') as Record<string, unknown>;
    const { values, messages } = checkValues(SCHEMA, raw);
    expect(values).toEqual({ on: true });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(messages).toEqual(['Unknown setting "__proto__" was ignored.', 'Unknown setting "constructor" was ignored.', 'Unknown setting "toString" was ignored.']);
  });

  it('gives the defaults, a fresh object each time', () => {
    const d = defaults(SCHEMA);
    expect(d).toEqual({ rate: 1, count: 5, shape: 'circle', on: false });
    d.rate = 3;
    expect(defaults(SCHEMA).rate).toBe(1);
  });

  it('fills in the defaults around the checked values (checkAll)', () => {
    expect(checkAll(SCHEMA, { count: 200, on: true })).toEqual({ values: { rate: 1, count: 100, shape: 'circle', on: true }, messages: ['Count must be from 1 to 100; 200 was changed to 100.'] });
  });

  it('types enum values as the union of their keys', () => {
    expectTypeOf(defaults(SCHEMA).shape).toEqualTypeOf<'circle' | 'square'>();
    expectTypeOf<Hyperparams['optimizer']>().toEqualTypeOf<'sgd' | 'momentum' | 'adam' | 'rmsprop'>();
    expectTypeOf<Hyperparams['schedule']>().toEqualTypeOf<'constant' | 'oneCycle' | 'stepDecay'>();
    expectTypeOf(checkParam(SCHEMA.count, 3).value).toEqualTypeOf<number>();
    expectTypeOf(checkParam(SCHEMA.on, 'true').value).toEqualTypeOf<boolean>();
  });
});

describe('toQuery', () => {
  it('writes only what differs from the defaults, and reads back through checkValues', () => {
    expect(toQuery(SCHEMA, defaults(SCHEMA))).toBe('');
    const values = { ...defaults(SCHEMA), rate: 0.25, shape: 'square' as const, on: true };
    const query = toQuery(SCHEMA, values);
    expect(query).toBe('rate=0.25&shape=square&on=true');
    const raw = Object.fromEntries(new URLSearchParams(query));
    expect(checkAll(SCHEMA, raw)).toEqual({ values, messages: [] });
  });
});

// These were end-to-end cases in tests/e2e/liveTweaks.e2e.ts: what the trainer's controls (which
// check every typed value with checkParam against TRAINING_SCHEMA) show and say.
describe('the training settings: a typed value is clamped or rejected with a message', () => {
  const cases: [label: string, typed: string, message: RegExp, shown: string][] = [
    ['Learning rate', 'fast', /must be a number/, '0.005'],
    ['Learning rate', '1e9', /changed to 10/, '10'],
    ['Batch size', '5000', /changed to 1024/, '1024'],
    ['Batch size', '12.7', /rounded to 13/, '13'],
    ['Epochs', '-3', /changed to 0/, '0'],
    ['L2 weight decay', 'NaN', /must be a number/, '0'],
    ['Dropout rate', '2', /changed to 0.9/, '0.9'],
  ];
  for (const [label, typed, message, shown] of cases) {
    it(`${label}: "${typed}" → ${shown}`, () => {
      const param = Object.values(TRAINING_SCHEMA).find((p) => p.label === label);
      expect(param).toBeDefined();
      const checked = checkParam(param!, typed);
      expect(checked.message).toMatch(message);
      expect(String(checked.value)).toBe(shown);
    });
  }
});
