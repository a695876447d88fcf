// A training client wired to a handler in this thread, as a Worker would be (cpu backend).
import type { TrainingClient } from '../../../src/worker/TrainingClient';
import { connect } from '../../worker/connect';

export function inThreadClient(): TrainingClient {
  return connect().client;
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
