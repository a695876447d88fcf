import { describe, expect, it } from 'vitest';
import { errorSummary, restartMessage, withoutLinkSettings } from '../../src/app/widgetRestart';

const at = (hash: string, search = '') => ({ pathname: '/app/', search, hash });

describe('restarting a crashed widget', () => {
  it("drops only that widget's link settings, keeping the route and other widgets' settings", () => {
    const hash = '#/lesson/06-x?digit-baseline.epochs=2&abstraction-ladder.steps=10&digit-baseline.model=mlp&digit-baseline.model=mlp';
    expect(withoutLinkSettings(at(hash), 'digit-baseline')).toEqual({ address: '/app/#/lesson/06-x?abstraction-ladder.steps=10', dropped: true });
    expect(withoutLinkSettings(at('#/lesson/01-x'), 'mnist-trainer')).toEqual({ address: '/app/#/lesson/01-x', dropped: false });
  });

  it("drops an old-style link's query string for the digit trainer, which reads it, and only for it", () => {
    expect(withoutLinkSettings(at('#/lesson/01-x', '?learningRate=9'), 'mnist-trainer')).toEqual({ address: '/app/#/lesson/01-x', dropped: true });
    expect(withoutLinkSettings(at('#/lesson/04-x', '?learningRate=9'), 'curve-fitter')).toEqual({ address: '/app/?learningRate=9#/lesson/04-x', dropped: false });
  });

  it('says what it did in under 300 characters, and cuts a huge error message short', () => {
    expect(restartMessage(true)).toMatch(/restarted with the lesson’s settings\. The settings from the link were left out/);
    expect(restartMessage(false)).toBe('The widget was restarted with the lesson’s settings.');
    expect(restartMessage(true).length).toBeLessThan(300);
    const shown = errorSummary(new RangeError(`Bad value ${'x'.repeat(1_000_000)}`));
    expect(shown.length).toBeLessThan(300);
    expect(shown).toMatch(/^Bad value x+… \(1,000,010 characters\)$/);
    expect(errorSummary('plain')).toBe('plain');
  });
});
