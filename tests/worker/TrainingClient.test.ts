import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrainingClient, type WorkerLike } from '../../src/worker/TrainingClient';
import { WorkerError, type SessionEvent, type WorkerMessage } from '../../src/worker/protocol';

/** A Worker stand-in: records what the client posts, and lets the test answer as the worker. */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  sent: { message: { type: string; id: number } & Record<string, unknown>; transfer?: Transferable[] }[] = [];
  terminated = 0;

  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.sent.push({ message: message as FakeWorker['sent'][number]['message'], transfer });
  }
  terminate(): void {
    this.terminated++;
  }
  reply(id: number, result: unknown): void {
    this.#post({ type: 'reply', id, ok: true, result });
  }
  fail(id: number, message: string, code: 'badRequest' | 'noSession' = 'badRequest'): void {
    this.#post({ type: 'reply', id, ok: false, error: { message, code } });
  }
  event(runId: number, event: SessionEvent): void {
    this.#post({ type: 'event', runId, event });
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
  #post(message: WorkerMessage): void {
    this.onmessage?.({ data: message } as MessageEvent);
  }
}

const step = (n: number): SessionEvent => ({ kind: 'step', progress: { step: n, epoch: 0, losses: [1], firstStep: n - 1, examplesPerSecond: 1, msPerStep: 1, learningRate: 0.1 } });

afterEach(() => {
  vi.useRealTimers();
});

describe('TrainingClient', () => {
  it('tags each request with a fresh id and its payload, passes the transfer list, and resolves with the matching reply', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const x = new Float32Array(4);
    const first = client.call('predict', { x, count: 1 }, { transfer: [x.buffer] });
    const second = client.call('pause', {});
    expect(worker.sent.map((s) => s.message)).toEqual([
      { type: 'predict', id: 1, x, count: 1 },
      { type: 'pause', id: 2 },
    ]);
    expect(worker.sent[0].transfer).toEqual([x.buffer]);
    expect(worker.sent[1].transfer).toEqual([]);
    // Answered out of order: each promise gets its own reply.
    worker.reply(2, { state: 'paused', step: 3 });
    worker.reply(1, { values: Float32Array.of(0.5) });
    await expect(second).resolves.toEqual({ state: 'paused', step: 3 });
    await expect(first).resolves.toEqual({ values: Float32Array.of(0.5) });
  });

  it('turns an error reply into a rejection with the worker’s message and code', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const call = client.call('train', {});
    worker.fail(1, 'No model is set up yet.', 'noSession');
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toMatchObject({ message: 'No model is set up yet.', code: 'noSession' });
  });

  it('ignores replies nobody waits for: unknown ids and answers that come twice', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const call = client.call('memory', {});
    worker.reply(99, { numTensors: -1 });
    worker.reply(1, { numTensors: 3, numBytes: 12, backend: 'cpu' });
    worker.reply(1, { numTensors: 4, numBytes: 16, backend: 'cpu' });
    await expect(call).resolves.toEqual({ numTensors: 3, numBytes: 12, backend: 'cpu' });
  });

  it('rejects a call that is not answered in time, and drops the late answer', async () => {
    vi.useFakeTimers();
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const slow = client.call('switchBackend', { backend: 'wasm' }, { timeoutMs: 90_000 });
    const outcome = slow.catch((e: unknown) => e);
    vi.advanceTimersByTime(89_999);
    worker.reply(2, {}); // someone else's id: changes nothing
    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as Error).message).toBe('The training worker did not answer "switchBackend" within 90 s.');
    expect(() => worker.reply(1, { name: 'wasm' })).not.toThrow();
    // A call answered in time clears its timer: no rejection fires later.
    const quick = client.call('pause', {}, { timeoutMs: 1000 });
    worker.reply(2, { state: 'paused', step: 0 });
    await expect(quick).resolves.toEqual({ state: 'paused', step: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('delivers events of the current run, adopts the run from configure / reset / newer events, and drops older runs', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const seen: number[] = [];
    const off = client.onEvent((e) => e.kind === 'step' && seen.push(e.progress.step));
    const configure = client.call('configure', { spec: { layers: [] }, hyper: {} as never });
    worker.reply(1, { runId: 3, summary: { layers: [], totalParams: 0, errors: [] } });
    await configure;
    expect(client.runId).toBe(3);
    worker.event(3, step(1));
    worker.event(2, step(99)); // from before the configure
    const reset = client.call('reset', {});
    worker.reply(2, { runId: 4 });
    await reset;
    worker.event(3, step(98)); // from before the reset
    worker.event(4, step(1));
    worker.event(5, step(1)); // a run the worker started itself (a backend switch)
    expect(client.runId).toBe(5);
    worker.event(4, step(97));
    expect(seen).toEqual([1, 1, 1]);
    off();
    worker.event(5, step(2));
    expect(seen).toEqual([1, 1, 1]);
  });

  it('rejects every waiting call when the worker crashes', async () => {
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const calls = [client.call('train', {}), client.call('pause', {})].map((c) => c.catch((e: Error) => e.message));
    worker.crash('out of memory');
    expect(await Promise.all(calls)).toEqual(['The training worker crashed: out of memory.', 'The training worker crashed: out of memory.']);
  });

  it('terminates the worker once, rejects waiting and later calls, and stops delivering events', async () => {
    vi.useFakeTimers();
    const worker = new FakeWorker();
    const client = new TrainingClient(worker);
    const seen: SessionEvent[] = [];
    client.onEvent((e) => seen.push(e));
    const waiting = client.call('train', {}, { timeoutMs: 5000 }).catch((e: Error) => e.message);
    client.terminate();
    client.terminate();
    expect(worker.terminated).toBe(1);
    expect(await waiting).toBe('The training worker was closed.');
    expect(vi.getTimerCount()).toBe(0);
    await expect(client.call('pause', {})).rejects.toThrow('The training worker has been closed.');
    expect(worker.sent).toHaveLength(1);
    worker.event(client.runId, step(1));
    expect(seen).toEqual([]);
  });
});
