// How a cell's console shows a value: what a browser console would print, as one plain string.
// Tensors print as tfjs prints them; objects as short JSON-like text, cut at a few levels and
// items, so one console.log of a huge array cannot flood the page.

const MAX_ITEMS = 50;
const MAX_DEPTH = 3;
/** The longest line a cell may print; longer ones are cut with a note. */
export const MAX_LINE = 4000;

interface TensorLike {
  dataId: unknown;
  shape: number[];
  dtype: string;
  toString(verbose?: boolean): string;
}

function isTensor(value: unknown): value is TensorLike {
  return typeof value === 'object' && value !== null && 'dataId' in value && Array.isArray((value as TensorLike).shape) && typeof (value as TensorLike).toString === 'function';
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function format(value: unknown, depth: number, seen: Set<unknown>): string {
  switch (typeof value) {
    case 'string':
      return depth === 0 ? value : JSON.stringify(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return 'null';
  if (isTensor(value)) {
    try {
      return value.toString();
    } catch {
      return `Tensor (disposed) shape [${value.shape.join(', ')}] ${value.dtype}`;
    }
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const items = Array.from(value as unknown as ArrayLike<number>);
      return `${value.constructor.name}(${items.length}) [${list(items, (item) => formatNumber(Number(item)))}]`;
    }
    if (Array.isArray(value)) return `[${list(value, (item) => format(item, depth + 1, seen))}]`;
    if (value instanceof Map) return `Map(${value.size}) {${list([...value], ([k, v]) => `${format(k, depth + 1, seen)} => ${format(v, depth + 1, seen)}`)}}`;
    if (value instanceof Set) return `Set(${value.size}) {${list([...value], (item) => format(item, depth + 1, seen))}}`;
    const entries = Object.entries(value as Record<string, unknown>);
    return `{ ${list(entries, ([key, item]) => `${key}: ${format(item, depth + 1, seen)}`)} }`.replace('{  }', '{}');
  } finally {
    seen.delete(value);
  }
}

function list<T>(items: readonly T[], show: (item: T) => string): string {
  const shown = items.slice(0, MAX_ITEMS).map(show);
  if (items.length > MAX_ITEMS) shown.push(`… ${items.length - MAX_ITEMS} more`);
  return shown.join(', ');
}

/** console.log's arguments as one line of text. */
export function formatLine(args: readonly unknown[]): string {
  const text = args.map((arg) => format(arg, 0, new Set())).join(' ');
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (${text.length.toLocaleString('en')} characters)` : text;
}
