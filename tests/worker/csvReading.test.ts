// The CSV worker's two halves without a real Worker: what it does with a request, and the page's
// client (one short-lived worker per read, terminated, never rejecting).
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvReply, type CsvRequest } from '../../src/worker/csvReading';
import { parseCsvOffThread } from '../../src/worker/parseCsvOffThread';

/** A stand-in Worker that answers with readCsv a moment later, as the real one does. */
class FakeCsvWorker {
  onmessage: ((event: MessageEvent<CsvReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(private readonly answer: (request: CsvRequest) => Promise<CsvReply | 'crash'> = readCsv) {}
  postMessage(request: CsvRequest): void {
    void this.answer(request).then((reply) => {
      if (reply === 'crash') this.onerror?.({ message: 'Uncaught RangeError' } as ErrorEvent);
      else this.onmessage?.({ data: reply } as MessageEvent<CsvReply>);
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('reading a CSV in the worker', () => {
  it('reads a picked file (a Blob) and pasted text alike', async () => {
    const file = new Blob(['x,y\n0,1\n1,3\n']);
    const fromFile = await readCsv({ id: 1, input: file, limits: {} });
    expect(fromFile).toMatchObject({ id: 1, result: { ok: true, hasHeader: true } });
    const fromText = await readCsv({ id: 2, input: '0,1\n1,3\n', limits: {} });
    expect(fromText.result.ok && Array.from(fromText.result.points.y)).toEqual([1, 3]);
  });

  it('says what is wrong with a formula cell, and applies the limits it is given', async () => {
    const formula = await readCsv({ id: 3, input: 'x,y\n1,2\n=cmd|\' /C calc\'!A0,3\n', limits: {} });
    expect(formula.result).toEqual({ ok: false, error: expect.stringMatching(/^Row 3: "=cmd\|' \/C calc'!A0" in column 1 is not a number\.$/) });
    const tooMany = await readCsv({ id: 4, input: '1,2\n3,4\n5,6\n', limits: { maxRows: 2 } });
    expect(tooMany.result).toEqual({ ok: false, error: 'The data has more than 2 rows; the limit is 2.' });
  });

  it('turns a file that cannot be read into a message', async () => {
    const broken = { text: () => Promise.reject(new Error('NotReadableError')) } as unknown as Blob;
    expect((await readCsv({ id: 5, input: broken, limits: {} })).result).toEqual({ ok: false, error: 'it could not be read (NotReadableError).' });
  });
});

describe('parseCsvOffThread', () => {
  it('hands the input to a fresh worker, resolves with its answer and terminates it', async () => {
    const workers: FakeCsvWorker[] = [];
    const create = () => {
      workers.push(new FakeCsvWorker());
      return workers.at(-1)!;
    };
    const result = await parseCsvOffThread('0,1\n1,3\n2,5\n', { maxRows: 10 }, create);
    expect(result.ok && result.points.x.length).toBe(3);
    await parseCsvOffThread('0,1\n1,3\n', {}, create);
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
  });

  it('ignores an answer to another request, and turns a crashed or missing worker into a message', async () => {
    const stray = new FakeCsvWorker(async (request) => {
      queueMicrotask(() => stray.onmessage?.({ data: { id: request.id - 1, result: { ok: false, error: 'stale' } } } as MessageEvent<CsvReply>));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return readCsv(request);
    });
    expect((await parseCsvOffThread('0,1\n1,3\n', {}, () => stray)).ok).toBe(true);
    const crashing = new FakeCsvWorker(async () => 'crash');
    expect(await parseCsvOffThread('0,1\n1,3\n', {}, () => crashing)).toEqual({ ok: false, error: 'it could not be read (Uncaught RangeError).' });
    expect(crashing.terminated).toBe(true);
    const missing = () => {
      throw new Error('Worker is not defined');
    };
    expect(await parseCsvOffThread('0,1\n', {}, missing)).toEqual({ ok: false, error: 'it could not be read here (Worker is not defined).' });
  });
});
