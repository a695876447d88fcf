import { describe, expect, it } from 'vitest';
import { tabKeyTarget } from '../../../src/widgets/tools/tabKeys';

describe('tabKeyTarget (WAI-ARIA tabs keys)', () => {
  it('moves with Left/Right, wrapping at both ends', () => {
    expect(tabKeyTarget('ArrowRight', 0, 6)).toBe(1);
    expect(tabKeyTarget('ArrowRight', 5, 6)).toBe(0);
    expect(tabKeyTarget('ArrowLeft', 0, 6)).toBe(5);
    expect(tabKeyTarget('ArrowLeft', 3, 6)).toBe(2);
  });

  it('jumps with Home/End and ignores other keys', () => {
    expect(tabKeyTarget('Home', 4, 6)).toBe(0);
    expect(tabKeyTarget('End', 1, 6)).toBe(5);
    expect(tabKeyTarget('Enter', 1, 6)).toBeNull();
    expect(tabKeyTarget('ArrowDown', 1, 6)).toBeNull();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
  });
});
