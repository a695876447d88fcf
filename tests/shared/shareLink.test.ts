import { describe, expect, it } from 'vitest';
import { MAX_HASH_LENGTH, readLinkSettings, settingsLength } from '../../src/shared/shareLink';

describe('settingsLength', () => {
  it('is the hash’s length where it holds no code cells', () => {
    for (const hash of ['', '#/', '#/lesson/x', '#/lesson/x?', '#/lesson/x?a.b=1&c.d=2', '#/lesson/x?a.b=1&&']) {
      expect(settingsLength(hash)).toBe(hash.length);
    }
  });

  it('leaves out every cell.… parameter, wherever it is', () => {
    const long = 'z' + 'A'.repeat(50_000);
    expect(settingsLength(`#/lesson/x?cell.a=${long}&t.k=1&cell.b=${long}`)).toBe('#/lesson/x?t.k=1'.length);
    expect(settingsLength(`#/lesson/x?cell.a=${long}`)).toBe('#/lesson/x?'.length);
    // Only keys starting "cell.": a widget named e.g. code-cell is counted.
    expect(settingsLength('#/lesson/x?code-cell.a=1')).toBe('#/lesson/x?code-cell.a=1'.length);
  });

  it('lets widget settings through beside long cell code, and still caps the settings themselves', () => {
    const cell = `cell.a=z${'A'.repeat(MAX_HASH_LENGTH * 5)}`;
    expect(readLinkSettings(`#/lesson/x?${cell}&t.k=1`, 't').values).toEqual(new Map([['k', '1']]));
    expect(readLinkSettings(`#/lesson/x?${cell}&t.k=${'1'.repeat(MAX_HASH_LENGTH)}`, 't').messages).toEqual([expect.stringMatching(/too long/)]);
  });
});
