import { describe, expect, it } from 'vitest';
import { checkMet, parseCheck, type ExerciseCheck } from '../../src/shared/exerciseCheck';
import { lessonCheck } from '../lessonExercises';

describe('checkMet', () => {
  const sine: ExerciseCheck = {
    widget: 'curve-fitter',
    when: { dataset: 'sine', hiddenLayers: { min: 1 }, hiddenUnits: { max: 8 }, valLoss: { below: 0.02 } },
  };
  const met = { dataset: 'sine', hiddenLayers: 1, hiddenUnits: 8, valLoss: 0.019 };

  it('is met when every figure meets its condition', () => {
    expect(checkMet(sine, met)).toBe(true);
  });

  it.each([
    ['another data set', { dataset: 'step' }],
    ['no hidden layer', { hiddenLayers: 0 }],
    ['too many units', { hiddenUnits: 9 }],
    ['the loss exactly at a strict bound', { valLoss: 0.02 }],
    ['the loss above it', { valLoss: 0.5 }],
  ])('is not met with %s', (_, change) => {
    expect(checkMet(sine, { ...met, ...change })).toBe(false);
  });

  it('treats min and max as inclusive, below and above as strict', () => {
    expect(checkMet({ when: { x: { min: 1, max: 2 } } }, { x: 1 })).toBe(true);
    expect(checkMet({ when: { x: { min: 1, max: 2 } } }, { x: 2 })).toBe(true);
    expect(checkMet({ when: { x: { above: 1, below: 2 } } }, { x: 1 })).toBe(false);
    expect(checkMet({ when: { x: { above: 1, below: 2 } } }, { x: 2 })).toBe(false);
    expect(checkMet({ when: { x: { above: 1, below: 2 } } }, { x: 1.5 })).toBe(true);
  });

  it('compares numbers, text and booleans for equality, without converting types', () => {
    expect(checkMet({ when: { converged: true } }, { converged: true })).toBe(true);
    expect(checkMet({ when: { converged: true } }, { converged: false })).toBe(false);
    expect(checkMet({ when: { converged: true } }, { converged: 1 })).toBe(false);
    expect(checkMet({ when: { hiddenLayers: 2 } }, { hiddenLayers: '2' })).toBe(false);
    expect(checkMet({ when: { hiddenLayers: 2 } }, { hiddenLayers: 2 })).toBe(true);
  });

  it.each([
    ['missing', {}],
    ['undefined', { valLoss: undefined }],
    ['null', { valLoss: null }],
    ['NaN', { valLoss: Number.NaN }],
    ['-Infinity', { valLoss: -Infinity }],
    ['text where a number is bounded', { valLoss: '0.001' }],
  ])('is not met when the figure is %s', (_, figures) => {
    expect(checkMet({ when: { valLoss: { below: 0.1 } } }, figures)).toBe(false);
  });

  it('reads only the figures object’s own properties', () => {
    expect(checkMet({ when: { constructor: { min: 0 } } }, {})).toBe(false);
    expect(checkMet({ when: { toString: 'x' } }, {})).toBe(false);
  });

  it('is never met by a check without conditions', () => {
    expect(checkMet({ when: {} }, { valLoss: 0 })).toBe(false);
  });
});

describe('parseCheck', () => {
  it('reads a check as the frontmatter gives it', () => {
    expect(parseCheck({ widget: 'curve-fitter', when: { dataset: 'sine', valLoss: { below: 0.02 } } })).toEqual({
      widget: 'curve-fitter',
      when: { dataset: 'sine', valLoss: { below: 0.02 } },
    });
  });

  it('leaves the widget out when none is named', () => {
    expect(parseCheck({ when: { converged: true } })).toEqual({ when: { converged: true } });
  });

  it('keeps only the bounds that were given', () => {
    expect(parseCheck({ when: { x: { min: 0, below: 1 } } }).when.x).toEqual({ min: 0, below: 1 });
  });

  it.each([
    [null, /"check" must be a mapping/],
    ['valLoss < 0.1', /"check" must be a mapping/],
    [{ when: { x: 1 }, widgte: 'a' }, /unknown field\(s\) "widgte"/],
    [{ widget: 3, when: { x: 1 } }, /"check.widget" must be a widget name/],
    [{ widget: '', when: { x: 1 } }, /"check.widget" must be a widget name/],
    [{ widget: 'a' }, /"check.when" must name at least one figure/],
    [{ when: {} }, /"check.when" must name at least one figure/],
    [{ when: [1] }, /"check.when" must name at least one figure/],
    [{ when: { 'val loss': 1 } }, /"check.when" names a figure "val loss"; figure names are letters/],
    [JSON.parse('{ "when": { "__proto__": 1 } }'), /"check.when" names a figure "__proto__"/],
    [{ when: { valLoss: { belw: 0.1 } } }, /"check.when.valLoss" has unknown bound\(s\) "belw"/],
    [{ when: { valLoss: {} } }, /"check.when.valLoss" needs at least one of/],
    [{ when: { valLoss: { below: '0.1' } } }, /"check.when.valLoss.below" must be a finite number/],
    [{ when: { valLoss: { below: Infinity } } }, /"check.when.valLoss.below" must be a finite number/],
    [{ when: { valLoss: Number.NaN } }, /"check.when.valLoss" must be a finite number/],
    [{ when: { valLoss: null } }, /"check.when.valLoss" must be a value to equal/],
    [{ when: { valLoss: [0, 1] } }, /"check.when.valLoss" must be a value to equal/],
    [{ when: { x: { min: 2, max: 1 } } }, /"check.when.x" can never be met/],
    [{ when: { x: { min: 1, below: 1 } } }, /"check.when.x" can never be met/],
    [{ when: { x: { above: 1, max: 1 } } }, /"check.when.x" can never be met/],
  ])('rejects %j with a message naming the problem', (raw, message) => {
    expect(() => parseCheck(raw)).toThrow(message);
  });

  it('accepts bounds that meet at one allowed value', () => {
    expect(parseCheck({ when: { x: { min: 1, max: 1 } } }).when.x).toEqual({ min: 1, max: 1 });
    expect(checkMet(parseCheck({ when: { x: { min: 1, max: 1, below: 5 } } }), { x: 1 })).toBe(true);
  });
});

describe('lesson 8: "see the gap"', () => {
  const check = lessonCheck('08-overfitting.md', 'see-the-gap');
  it('does not tick at the first evaluation, when the model knows neither set (issue 22, item 4)', () => {
    // Measured in the browser: the first evaluation of the lesson's run.
    expect(checkMet(check, { trainCount: 200, trainAccuracy: 0.425, valAccuracy: 0.317, gap: 0.108 })).toBe(false);
  });
  it('ticks once the model has learned its 200 digits and new ones lag behind', () => {
    expect(checkMet(check, { trainCount: 200, trainAccuracy: 1, valAccuracy: 0.86, gap: 0.14 })).toBe(true);
    expect(checkMet(check, { trainCount: 8000, trainAccuracy: 1, valAccuracy: 0.86, gap: 0.14 })).toBe(false);
  });
});
