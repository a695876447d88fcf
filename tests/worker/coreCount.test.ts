import { describe, expect, it } from 'vitest';
import { measureCores, type Spinner } from '../../src/worker/coreCount';

/** Spinners on a machine with `cores` cores: each counts 1,000 turns a millisecond on a core of its own, fewer when they share. */
function machine(cores: number): { create: () => Spinner; created: () => number; closed: () => number } {
  let active = 0;
  let created = 0;
  let closed = 0;
  const create = (): Spinner => {
    created++;
    return {
      async spin(ms) {
        active++;
        await Promise.resolve();
        const turns = Math.round(1000 * ms * Math.min(1, cores / active));
        await Promise.resolve();
        active--;
        return turns;
      },
      close: () => void closed++,
    };
  };
  return { create, created: () => created, closed: () => closed };
}

describe('measureCores', () => {
  it('finds the 2 cores of a machine whose browser claims 4 (WebKit here), and closes every spinner', async () => {
    const m = machine(2);
    expect(await measureCores(4, m.create)).toBe(2);
    expect(m.created()).toBe(4);
    expect(m.closed()).toBe(4);
  });

  it('believes a claim the measurement bears out', async () => {
    expect(await measureCores(8, machine(8).create)).toBe(8);
    expect(await measureCores(8, machine(3).create)).toBe(3);
  });

  it('starts no spinner where the browser claims 2 or fewer', async () => {
    const m = machine(1);
    expect(await measureCores(2, m.create)).toBe(2);
    expect(await measureCores(1, m.create)).toBe(1);
    expect(m.created()).toBe(0);
  });

  it('assumes 2 cores when a spinner cannot start or fails', async () => {
    expect(await measureCores(6, () => { throw new Error('no Worker'); })).toBe(2);
    const failing = (): Spinner => ({ spin: () => Promise.reject(new Error('died')), close: () => {} });
    expect(await measureCores(6, failing)).toBe(2);
  });
});
