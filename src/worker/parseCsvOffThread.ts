// The page's side of the CSV worker: one short-lived worker per file or paste, so a slow parse
// never holds the page and nothing stays running between loads.
import type { CsvLimits, ParseXYResult } from '../ml/csv';
import type { CsvReply, CsvRequest } from './csvReading';

type WorkerLike = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

export function createCsvWorker(): WorkerLike {
  return new Worker(new URL('./csv.worker.ts', import.meta.url), { type: 'module', name: 'csv' });
}

let nextId = 1;

/** Reads `input` (a file or pasted text) into points in a worker; never rejects. */
export function parseCsvOffThread(input: Blob | string, limits: CsvLimits, create: () => WorkerLike = createCsvWorker): Promise<ParseXYResult> {
  return new Promise((resolve) => {
    let worker: WorkerLike;
    try {
      worker = create();
    } catch (cause) {
      resolve({ ok: false, error: `it could not be read here (${cause instanceof Error ? cause.message : String(cause)}).` });
      return;
    }
    const id = nextId++;
    const finish = (result: ParseXYResult): void => {
      worker.terminate();
      resolve(result);
    };
    worker.onmessage = (event: MessageEvent<CsvReply>) => {
      if (event.data?.id === id) finish(event.data.result);
    };
    worker.onerror = (event: ErrorEvent) => finish({ ok: false, error: `it could not be read (${event.message || 'the reader stopped'}).` });
    const request: CsvRequest = { id, input, limits };
    worker.postMessage(request);
  });
}
