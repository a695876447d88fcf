// A training client wired to a handler in this thread, as a Worker would be (cpu backend).
import { TrainingHandler } from '../../../src/worker/TrainingHandler';
import { TrainingClient, type WorkerLike } from '../../../src/worker/TrainingClient';

export function inThreadClient(): TrainingClient {
  const env = {
    setupBackend: async () => ({ name: 'cpu' as const, reason: 'tests run on cpu', failed: [] }),
    fetch: (() => Promise.reject(new Error('no fetching here'))) as unknown as typeof fetch,
  };
  const fake: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => void handler.handle(structuredClone(message) as never),
    terminate: () => void handler.handle({ type: 'dispose', id: -2 } as never),
  };
  const handler = new TrainingHandler((message) => queueMicrotask(() => fake.onmessage?.({ data: structuredClone(message) } as MessageEvent)), env);
  return new TrainingClient(fake);
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
