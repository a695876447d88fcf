import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { functionSource } from '../../../src/widgets/trainer/functionSource';
import { convolve } from '../../../src/ml/convolution';

const MODULE = `import x from 'y';

/** Adds. */
export function add(a: number, b: number): number {
  return a + b;
}

// Halves.
export async function half(a: number): Promise<number> {
  if (a) {
    return a / 2;
  }
  return 0;
}
`;

describe('functionSource', () => {
  it('cuts one exported function, with the comment above it, out of a module', () => {
    expect(functionSource(MODULE, 'add')).toBe('/** Adds. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}');
    expect(functionSource(MODULE, 'half')).toMatch(/^\/\/ Halves\.\nexport async function half[\s\S]*return 0;\n}$/);
    expect(functionSource(MODULE, 'missing')).toBe('');
  });

  it("shows lesson 7's convolve as it is in the module the page runs", () => {
    const source = functionSource(readFileSync('src/ml/convolution.ts', 'utf8'), 'convolve');
    expect(source).toContain('export function convolve(');
    expect(source).toContain('sum += kernel[i * KERNEL_SIDE + j] * image[y * width + x]');
    // The shown text is the running function's own body.
    expect(source).toContain(convolve.toString().split('\n')[1].trim().slice(0, 20));
  });
});
