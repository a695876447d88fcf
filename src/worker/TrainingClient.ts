import { RUN_STARTING_CALLS, WorkerError, type Calls, type CallType, type ErrorCode, type RunStart, type SessionEvent, type WorkerMessage } from './protocol';

export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> | null };

/**
 * The one promise-returning face of the training worker. Events from a run older than the
 * newest one the page knows about are dropped, so a late "step" from before a reset never
 * reaches the chart.
 */
export class TrainingClient {
  #worker: WorkerLike;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #runId = 0;
  #listeners = new Set<(event: SessionEvent) => void>();
  #closed = false;

  constructor(worker: WorkerLike = createTrainingWorker()) {
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.#receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.#failAll(new WorkerError(`The training worker crashed: ${event.message || 'unknown error'}.`, 'internal'));
    };
  }

  /** Sends a request; `timeoutMs` guards calls that must not hang forever (0 = no limit). */
  call<K extends CallType>(type: K, request: Calls[K]['request'], options: { transfer?: Transferable[]; timeoutMs?: number } = {}): Promise<Calls[K]['reply']> {
    if (this.#closed) return Promise.reject(new WorkerError('The training worker has been closed.', 'internal'));
    const id = this.#nextId++;
    return new Promise<Calls[K]['reply']>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 0;
      const timer = timeoutMs > 0 ? setTimeout(() => {
        this.#pending.delete(id);
        reject(new WorkerError(`The training worker did not answer "${type}" within ${Math.round(timeoutMs / 1000)} s.`, 'timeout'));
      }, timeoutMs) : null;
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#worker.postMessage({ type, id, ...request }, options.transfer ?? []);
    }).then((reply) => {
      // configure, reset and loading a model start a new run: events of older runs are stale from here on.
      if (RUN_STARTING_CALLS.has(type)) this.#runId = (reply as RunStart).runId;
      return reply;
    });
  }

  /** Subscribes to training events of the current run; returns the unsubscribe function. */
  onEvent(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get runId(): number {
    return this.#runId;
  }

  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#failAll(new WorkerError('The training worker was closed.', 'internal'));
    this.#listeners.clear();
  }

  #receive(message: WorkerMessage): void {
    if (message.type === 'event') {
      // A switchBackend starts a newer run inside the worker; adopt it. Older runs are stale.
      if (message.runId < this.#runId) return;
      this.#runId = message.runId;
      for (const listener of this.#listeners) listener(message.event);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (pending.timer) clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new WorkerError(message.error.message, message.error.code as ErrorCode));
  }

  #failAll(error: Error): void {
    for (const [, pending] of this.#pending) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

export function createTrainingWorker(): Worker {
  return new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
}
