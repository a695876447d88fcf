// A TrainingClient wired to a TrainingHandler in this thread, the way a Worker wires them:
// every message is structured-cloned and delivered in a later microtask, in order.
import { readFileSync } from 'node:fs';
import { TrainingHandler, type HandlerEnvironment } from '../../src/worker/TrainingHandler';
import { TrainingClient, type WorkerLike } from '../../src/worker/TrainingClient';
import type { WorkerMessage } from '../../src/worker/protocol';
import { ASSET_PATH, useCpu } from '../ml/helpers';

/** Tests train on tfjs's cpu backend; the MNIST asset is read from disk, any other URL is a 404. */
export const testEnvironment: HandlerEnvironment = {
  setupBackend: async () => {
    await useCpu();
    return { name: 'cpu', threads: 1, reason: 'tests run on cpu', failed: [] };
  },
  fetch: (async (url: string) =>
    url.endsWith('mnist-10k.bin') ? new Response(readFileSync(ASSET_PATH)) : new Response('missing', { status: 404 })) as unknown as typeof fetch,
};

export interface Connection {
  client: TrainingClient;
  handler: TrainingHandler;
  /** Every message the handler posted, in order (uncloned). */
  posted: WorkerMessage[];
  /** Hands the client a message as if the worker had posted it (a late or replayed one). */
  deliver(message: WorkerMessage): void;
}

/** Terminating the fake worker disposes the handler's session, as ending a real worker frees its memory. */
export function connect(env: Partial<HandlerEnvironment> = {}): Connection {
  const posted: WorkerMessage[] = [];
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => void handler.handle(structuredClone(message) as never),
    terminate: () => void handler.handle({ type: 'dispose', id: -2 }),
  };
  const deliver = (message: WorkerMessage) => worker.onmessage?.({ data: structuredClone(message) } as MessageEvent);
  const handler = new TrainingHandler(
    (message) => {
      posted.push(message);
      queueMicrotask(() => deliver(message));
    },
    { ...testEnvironment, ...env },
  );
  return { client: new TrainingClient(worker), handler, posted, deliver };
}
