import Papa from 'papaparse';
import type { Points1D } from './toyData';

export interface CsvLimits {
  /** Largest accepted input, in UTF-8 bytes. */
  maxBytes?: number;
  /** Most data rows accepted (the header row and blank lines do not count). */
  maxRows?: number;
}

export type ParseXYResult =
  | { ok: true; points: Points1D; hasHeader: boolean; warnings: string[] }
  | { ok: false; error: string };

// Candidate separators, most usual first; a tie goes to the earlier one.
const DELIMITERS = [',', '\t', ';'] as const;

// Anything a person may have meant as a number, including the forms we reject with a specific
// message (decimal comma, NaN, Infinity); used to tell a header row from a bad data row.
const LOOKS_NUMERIC = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$|^[+-]?(?:nan|inf(?:inity)?)$/i;
// What we accept: plain decimal or scientific notation (no hex, no separators, no "Infinity").
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;
const NOT_FINITE = /^[+-]?(?:nan|inf(?:inity)?)$/i;
// The data become float32 tensors; a larger value would turn into Infinity there.
const FLOAT32_MAX = 3.4028234663852886e38;
// Beyond this, unscaled inputs make plain gradient descent blow up at the lessons' learning rates.
const LARGE_VALUE = 1e4;

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${count(n)} ${n === 1 ? one : many}`;

function formatBytes(bytes: number): string {
  if (bytes < 1000) return plural(bytes, 'byte', 'bytes');
  if (bytes < 1_000_000) return `${+(bytes / 1000).toFixed(1)} KB`;
  return `${+(bytes / 1_000_000).toFixed(1)} MB`;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function quoteCell(cell: string): string {
  const shown = cell.length > 24 ? `${cell.slice(0, 24)}…` : cell;
  return `"${shown}"`;
}

const isBlank = (row: readonly string[]): boolean => row.every((cell) => cell.trim() === '');

/** Picks the separator that splits the most rows into two number-like cells, and says how many it split so. */
function chooseDelimiter(text: string): { delimiter: string; numericPairs: number } {
  let best: string = DELIMITERS[0];
  let bestScore = [-1, -1];
  for (const delimiter of DELIMITERS) {
    const { data } = Papa.parse<string[]>(text, { delimiter, preview: 50, skipEmptyLines: 'greedy' });
    let numericPairs = 0;
    let pairs = 0;
    for (const row of data) {
      if (row.length !== 2) continue;
      pairs++;
      if (row.every((cell) => LOOKS_NUMERIC.test(cell.trim()))) numericPairs++;
    }
    if (numericPairs > bestScore[0] || (numericPairs === bestScore[0] && pairs > bestScore[1])) {
      best = delimiter;
      bestScore = [numericPairs, pairs];
    }
  }
  return { delimiter: best, numericPairs: bestScore[0] };
}

/** Checks one cell; returns the number or a sentence saying what is wrong with it. */
function readCell(raw: string, line: number, column: number): number | string {
  const cell = raw.trim();
  const where = `Row ${line}: ${quoteCell(cell)} in column ${column}`;
  if (cell === '') return `Row ${line}: column ${column} is empty.`;
  if (DECIMAL_COMMA.test(cell)) {
    return `${where} uses a comma as the decimal mark; write it with a point instead, like ${cell.replace(',', '.')}.`;
  }
  if (NOT_FINITE.test(cell)) {
    return /nan/i.test(cell) ? `${where} is not a number.` : `${where} is infinite; only ordinary numbers can be used.`;
  }
  if (!PLAIN_NUMBER.test(cell)) return `${where} is not a number.`;
  const value = Number(cell);
  if (!Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) {
    return `${where} is too large to use; numbers must stay below about 3.4e38.`;
  }
  return value;
}

/** `noPairs`: no row of the file splits into two numbers, as when 1,5 and 2,5 are written 1,5,2,5. */
function wrongWidth(line: number, cells: readonly string[], noPairs: boolean): string {
  const n = cells.length;
  let message = `Row ${line} has ${plural(n, 'value', 'values')}; every row needs exactly 2 (x and y).`;
  if (noPairs && n > 2 && cells.every((c) => /^\s*[+-]?\d+\s*$/.test(c))) {
    message += ' If your numbers use a decimal comma, like 1,5, write them with a point: 1.5.';
  }
  return message;
}

function quoteProblem(line: number, code: string): string {
  if (code === 'MissingQuotes') return `Row ${line}: a quotation mark (") is opened but never closed.`;
  if (code === 'InvalidQuotes') return `Row ${line}: a quotation mark (") is in the wrong place.`;
  return `Row ${line} could not be read.`;
}

/**
 * Reads two columns of numbers (x, y) from CSV text, a file's or pasted. Separators may be
 * commas, tabs or semicolons; an optional header row of names is allowed; blank lines are skipped.
 * Errors name the row as the line number a person sees in an editor.
 */
export function parseXYCsv(text: string, { maxBytes = 1_000_000, maxRows = 5000 }: CsvLimits = {}): ParseXYResult {
  // Each UTF-16 unit takes 1–3 UTF-8 bytes, so the exact (allocating) count is only needed near the limit.
  const bytes = text.length > maxBytes ? text.length : text.length * 3 <= maxBytes ? 0 : utf8Length(text);
  if (bytes > maxBytes) {
    return { ok: false, error: `The data is too big: the limit is ${formatBytes(maxBytes)}.` };
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineBreak = body.includes('\n') ? '\n' : '\r';
  const { delimiter, numericPairs } = chooseDelimiter(body);
  const decimalCommaSuspect = delimiter === ',' && numericPairs === 0;

  const xs: number[] = [];
  const ys: number[] = [];
  let hasHeader = false;
  let seenContent = false;
  let pendingBlank = 0;
  let skippedBlank = 0;
  let largest = 0;
  let error = null as string | null;
  // Line numbers come from the parser's cursor, so a quoted value spanning lines cannot shift them.
  let rowStart = 0;
  let scanned = 0;
  let line = 1;

  Papa.parse<string[]>(body, {
    delimiter,
    step(result, parser) {
      for (; scanned < rowStart; scanned++) if (body[scanned] === lineBreak) line++;
      rowStart = result.meta.cursor;
      const fail = (message: string): void => {
        error = message;
        parser.abort();
      };
      const cells = result.data;
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError) return fail(quoteProblem(line, quoteError.code));
      if (isBlank(cells)) {
        pendingBlank++;
        return;
      }
      if (seenContent) skippedBlank += pendingBlank;
      pendingBlank = 0;
      if (cells.length !== 2) return fail(wrongWidth(line, cells, decimalCommaSuspect));
      if (!seenContent) {
        seenContent = true;
        if (cells.every((cell) => !LOOKS_NUMERIC.test(cell.trim()))) {
          hasHeader = true;
          return;
        }
      }
      if (xs.length >= maxRows) {
        return fail(`The data has more than ${plural(maxRows, 'row', 'rows')}; the limit is ${count(maxRows)}.`);
      }
      const x = readCell(cells[0], line, 1);
      if (typeof x === 'string') return fail(x);
      const y = readCell(cells[1], line, 2);
      if (typeof y === 'string') return fail(y);
      xs.push(x);
      ys.push(y);
      largest = Math.max(largest, Math.abs(x), Math.abs(y));
    },
  });

  if (error !== null) return { ok: false, error };
  if (xs.length < 2) {
    const found =
      xs.length === 1
        ? 'The data has only 1 point'
        : hasHeader
          ? 'The data has a header row but no numbers'
          : 'The data is empty';
    return { ok: false, error: `${found}; at least 2 points (rows of x, y) are needed.` };
  }

  const warnings: string[] = [];
  if (skippedBlank > 0) warnings.push(`Skipped ${plural(skippedBlank, 'blank line', 'blank lines')}.`);
  if (largest > LARGE_VALUE) {
    warnings.push(
      `Some numbers are large (up to ${largest.toPrecision(3)}). ` +
        'Training works best on values between about −10 and 10; consider rescaling them.',
    );
  }
  return { ok: true, points: { x: Float32Array.from(xs), y: Float32Array.from(ys) }, hasHeader, warnings };
}
