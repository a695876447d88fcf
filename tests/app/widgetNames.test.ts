// The heights in widgetNames.ts are measurements: after changing a widget's layout, build the app,
// open each lesson in Chromium at 1280 px and at 375 px wide, and read the loaded widget's height
// inside its card (section.widget's height less its padding and border).
import { describe, expect, it } from 'vitest';
import { reservedHeight, widgetNames } from '../../src/app/widgetNames';
import { widgetRegistry } from '../../src/widgets/registry';

describe('widgetNames', () => {
  it('lists exactly the widgets the registry can load', () => {
    expect([...widgetNames].sort()).toEqual([...widgetRegistry.keys()].sort());
  });

  it('reserves a height for every widget, at both widths', () => {
    for (const name of widgetNames) {
      const height = reservedHeight(name, {});
      expect(height?.wide, name).toBeGreaterThan(100);
      expect(height?.narrow, name).toBeGreaterThan(100);
    }
  });

  it('reserves the height of the mode a lesson picks, falling back to the default', () => {
    expect(reservedHeight('line-fitter', { mode: 'descent' })).toEqual({ wide: 944, narrow: 1170 });
    expect(reservedHeight('line-fitter', { mode: 'both' })).toEqual({ wide: 804, narrow: 1055 });
    expect(reservedHeight('line-fitter', { mode: 'toString' })).toEqual({ wide: 804, narrow: 1055 });
    expect(reservedHeight('curve-fitter', { mode: 'descent' })).toEqual(reservedHeight('curve-fitter', {}));
  });

  it('reserves a code cell the height of its code, longer lines wrapping', () => {
    const short = reservedHeight('code-cell', { code: 'console.log(1);' })!;
    const long = reservedHeight('code-cell', { code: Array.from({ length: 40 }, (_, i) => `const a${i} = ${i};`).join('\n') })!;
    const wrapped = reservedHeight('code-cell', { code: Array.from({ length: 40 }, (_, i) => `const a${i} = ${i}; // ${'x'.repeat(90)}`).join('\n') })!;
    expect(long.wide).toBeGreaterThan(short.wide + 800);
    expect(wrapped.wide).toBeGreaterThan(long.wide + 800);
    expect(wrapped.narrow).toBeGreaterThan(long.narrow);
  });

  it('reserves nothing for an unknown widget', () => {
    expect(reservedHeight('nope', {})).toBeUndefined();
    expect(reservedHeight('constructor', {})).toBeUndefined();
  });
});
