// How many cores this machine really gives us, measured rather than read from
// `navigator.hardwareConcurrency`: WebKit reports 4 on a 2-core machine, and a busy laptop has
// fewer cores free than it owns. Used to decide how many threads wasm may take.

/** One spinning worker: counts loop turns for `ms` milliseconds once told to start. */
export interface Spinner {
  /** Resolves with the turns counted in `ms` milliseconds. */
  spin(ms: number): Promise<number>;
  close(): void;
}

const SPIN_MS = 40;

/**
 * The cores that run at once here, from `claimed` spinners run together against one alone:
 * each counts loop turns for the same time, and the total over the single rate is how many ran in
 * parallel (rounded to the nearest whole core, at least 1, never more than claimed). Returns
 * `claimed` (at most 2) where no spinner can start.
 */
export async function measureCores(claimed: number, createSpinner: () => Spinner): Promise<number> {
  if (claimed <= 2) return Math.max(1, claimed);
  const spinners: Spinner[] = [];
  try {
    for (let i = 0; i < claimed; i++) spinners.push(createSpinner());
    // Warm up each (script loaded, code compiled), then the single rate, then all at once.
    await Promise.all(spinners.map((s) => s.spin(5)));
    const alone = await spinners[0].spin(SPIN_MS);
    const together = await Promise.all(spinners.map((s) => s.spin(SPIN_MS)));
    if (alone <= 0) return 2;
    const total = together.reduce((a, b) => a + b, 0);
    return Math.max(1, Math.min(claimed, Math.round(total / alone)));
  } catch {
    return 2;
  } finally {
    for (const s of spinners) s.close();
  }
}

/** A spinner in a real Web Worker (coreProbe.worker.ts). */
export function workerSpinner(): Spinner {
  const worker = new Worker(new URL('./coreProbe.worker.ts', import.meta.url), { type: 'module', name: 'core probe' });
  let waiting: ((turns: number) => void) | null = null;
  let failing: ((error: Error) => void) | null = null;
  worker.onmessage = (event: MessageEvent<number>) => waiting?.(event.data);
  worker.onerror = (event) => failing?.(new Error(event.message || 'the core probe failed'));
  return {
    spin(ms) {
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the core probe did not answer')), 3000);
        waiting = (turns) => (clearTimeout(timer), resolve(turns));
        failing = (error) => (clearTimeout(timer), reject(error));
        worker.postMessage(ms);
      });
    },
    close: () => worker.terminate(),
  };
}
