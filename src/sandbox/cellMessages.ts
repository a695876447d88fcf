// The page's check of every message from a sandbox frame. The frame runs the learner's code, so
// anything may arrive: only well-formed messages within the outbox's limits are shown; the rest
// are dropped whole. Pure, so it is tested alone.
import type { CellChartPoint, CellError, CellOutputItem, FrameToPage } from './cellProtocol';
import { MAX_LINE } from './cellFormat';

const MAX_ITEMS = 500;
const MAX_POINTS = 5000;
const MAX_TEXT = MAX_LINE + 200;

type Loose = Record<string, unknown>;

// Lists are read with Array.from, never .map: a message keeps an array's holes, which .map keeps
// and .every/.some skip, so a hole would reach the page as an item, point or row.
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, max: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const text = (value: unknown, max = MAX_TEXT): string | null => (typeof value === 'string' ? value.slice(0, max) : null);

function point(raw: unknown): CellChartPoint | null {
  if (!isObject(raw) || !isFiniteNumber(raw.x)) return null;
  const out: CellChartPoint = { x: raw.x };
  for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) {
    if (raw[key] === undefined) continue;
    if (!isFiniteNumber(raw[key])) return null;
    out[key] = raw[key];
  }
  return out;
}

function item(raw: unknown): CellOutputItem | null {
  if (!isObject(raw)) return null;
  switch (raw.kind) {
    case 'line': {
      const level = raw.level;
      const line = text(raw.text);
      if (line === null || (level !== 'log' && level !== 'info' && level !== 'warn' && level !== 'error')) return null;
      return { kind: 'line', level, text: line };
    }
    case 'chart': {
      if (!isCount(raw.id, 1e6) || !Array.isArray(raw.points) || raw.points.length > MAX_POINTS) return null;
      const points = Array.from(raw.points, point);
      if (points.some((p) => p === null)) return null;
      return { kind: 'chart', id: raw.id, title: text(raw.title, 200) ?? '', xTitle: raw.xTitle === 'epoch' ? 'epoch' : 'step', points: points as CellChartPoint[] };
    }
    case 'images': {
      const { id, count, height, width, channels, pixels } = raw;
      if (!isCount(id, 1e6) || !isCount(count, 100) || !isCount(height, 512) || !isCount(width, 512) || (channels !== 1 && channels !== 3)) return null;
      if (!(pixels instanceof Uint8ClampedArray) || pixels.length !== count * height * width * channels) return null;
      const labels = Array.isArray(raw.labels) ? Array.from(raw.labels.slice(0, count), (label) => text(label, 40) ?? '') : [];
      return { kind: 'images', id, title: text(raw.title, 200) ?? '', count, height, width, channels, pixels, labels };
    }
    case 'table': {
      if (!isCount(raw.id, 1e6) || !Array.isArray(raw.columns) || !Array.isArray(raw.rows) || raw.columns.length > 20 || raw.rows.length > 200) return null;
      const columns = Array.from(raw.columns, (column) => text(column, 100) ?? '');
      const rows = Array.from(raw.rows, (row) => (Array.isArray(row) ? Array.from(row.slice(0, 20), (cell) => (isFiniteNumber(cell) ? cell : (text(cell, 200) ?? ''))) : null));
      if (rows.some((row) => row === null)) return null;
      return { kind: 'table', id: raw.id, title: text(raw.title, 200) ?? '', columns, rows: rows as (string | number)[][] };
    }
    case 'report': {
      if (!isObject(raw.figures)) return null;
      const figures: Record<string, number | string | boolean> = {};
      for (const [name, value] of Object.entries(raw.figures).slice(0, 50)) {
        if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) continue;
        if (isFiniteNumber(value) || typeof value === 'boolean') figures[name] = value;
        else if (typeof value === 'string') figures[name] = value.slice(0, 200);
      }
      return { kind: 'report', figures };
    }
  }
  return null;
}

function error(raw: unknown): CellError | null {
  if (!isObject(raw)) return null;
  const message = text(raw.message, 2000);
  if (message === null) return null;
  const out: CellError = { name: text(raw.name, 100) || 'Error', message };
  if (isCount(raw.line, 1e7) && raw.line > 0) out.line = raw.line;
  if (isCount(raw.column, 1e7)) out.column = raw.column;
  return out;
}

/** A frame's message as the page may use it, or null. */
export function readFrameMessage(data: unknown): FrameToPage | null {
  if (!isObject(data)) return null;
  if (data.type === 'frame-ready') return { type: 'frame-ready' };
  if (!isCount(data.runId, Number.MAX_SAFE_INTEGER)) return null;
  const runId = data.runId;
  switch (data.type) {
    case 'started':
      return isCount(data.baselineTensors, 1e9) ? { type: 'started', runId, backend: text(data.backend, 20) ?? '', baselineTensors: data.baselineTensors } : null;
    case 'output': {
      if (!Array.isArray(data.items) || data.items.length > MAX_ITEMS) return null;
      const items = Array.from(data.items, item);
      return items.every((i) => i !== null) ? { type: 'output', runId, items: items as CellOutputItem[] } : null;
    }
    case 'done':
      return isFiniteNumber(data.ms) && isCount(data.tensorsLeft, 1e9) && isCount(data.baselineTensors, 1e9) ? { type: 'done', runId, ms: data.ms, tensorsLeft: data.tensorsLeft, baselineTensors: data.baselineTensors } : null;
    case 'failed': {
      const failure = error(data.error);
      return failure ? { type: 'failed', runId, error: failure, scriptError: data.scriptError === true } : null;
    }
    case 'stopped':
      return { type: 'stopped', runId };
  }
  return null;
}
