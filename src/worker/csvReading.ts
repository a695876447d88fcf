// Reading a learner's CSV (a file or pasted text) into points, as the CSV worker does it: pure, so
// it is tested in Node. A file is read inside the worker, so not even its text passes through the
// page's main thread.
import { parseXYCsv, type CsvLimits, type ParseXYResult } from '../ml/csv';

export interface CsvRequest {
  id: number;
  /** A picked file (read here) or pasted text. */
  input: Blob | string;
  limits: CsvLimits;
}

export type CsvReply = { id: number; result: ParseXYResult };

export async function readCsv(request: CsvRequest): Promise<CsvReply> {
  let text: string;
  try {
    text = typeof request.input === 'string' ? request.input : await request.input.text();
  } catch (cause) {
    return { id: request.id, result: { ok: false, error: `it could not be read (${cause instanceof Error ? cause.message : String(cause)}).` } };
  }
  return { id: request.id, result: parseXYCsv(text, request.limits) };
}
