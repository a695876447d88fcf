// The built workers' entries are imported by no other chunk. WebKit evaluates a module worker's
// entry a second time when a chunk imports it, and a second handler then took over the worker's
// messages (see src/worker/training.worker.ts). Reads the build that `npm test` just made.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ASSETS = 'dist/assets';

describe('the built workers', () => {
  it('have entries that no other chunk imports', () => {
    const files = readdirSync(ASSETS).filter((name) => name.endsWith('.js'));
    const entries = files.filter((name) => /\.worker-[\w-]+\.js$/.test(name));
    expect(entries.some((name) => name.startsWith('training.worker-'))).toBe(true);
    expect(entries.some((name) => name.startsWith('evaluation.worker-'))).toBe(true);
    const importers = files.flatMap((name) => {
      const code = readFileSync(join(ASSETS, name), 'utf8');
      return entries.filter((entry) => entry !== name && new RegExp(`from\\s*["'\`]\\./${entry.replace(/[.]/g, '\\.')}["'\`]`).test(code)).map((entry) => `${name} imports ${entry}`);
    });
    expect(importers).toEqual([]);
  });
});
