// The list of saved models, kept on the page with idb-keyval: one record per model, pointing at
// the weights and topology the worker stored with tfjs's indexeddb:// handler under `key`.
// Records are read back through `parseRecord`, so a damaged or foreign entry is skipped (and
// reported), never trusted: settings go through the schema, specs through describeModel.
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { describeModel, type LayerSpec, type ModelSpec } from '../../ml/modelSpec';
import { TRAINING_SCHEMA, type Hyperparams } from '../../ml/hyperparams';
import { checkAll } from '../../ml/schema';
import type { Evaluation } from '../../ml/trainingTypes';
import { compact, type LossPoint } from '../trainer/trainingHistory';
import type { SavedCurves } from '../trainer/TrainingProgress.svelte';

export interface SavedModelRecord {
  version: 1;
  id: string;
  name: string;
  /** Where the worker keeps the weights and topology (indexeddb://gradient-lab/<key>). */
  key: string;
  /** The widget it was trained in, and the lesson (its slug) that widget sat in. */
  widget: string;
  lesson: string;
  savedAt: number;
  /** Validation accuracy when saved (null before the first evaluation). */
  accuracy: number | null;
  modelLabel: string;
  spec: ModelSpec;
  inputShape: number[];
  outputUnits: number;
  params: number;
  hyper: Hyperparams;
  curves: SavedCurves;
}

/**
 * A saved model being deleted: its record is first replaced by this small marker, which still
 * names the weights, so a delete cut off halfway leaves neither weights that no entry names nor a
 * listed model without weights. Marked models are not listed; their deletion is finished later.
 */
export interface DeletionMarker {
  version: 1;
  id: string;
  key: string;
  deleting: true;
}

/** A stored value as a deletion marker, or null when it is not one. */
export function parseDeletionMarker(value: unknown): DeletionMarker | null {
  if (!isRecord(value) || value.version !== 1 || value.deleting !== true) return null;
  const id = text(value.id, 100);
  const key = text(value.key, 100);
  return id && key && /^[\w-]+$/.test(key) ? { version: 1, id, key, deleting: true } : null;
}

/** Where records live: idb-keyval on the page, a Map in tests. Every operation may reject (full, refused storage). */
export interface RecordStore {
  list(): Promise<[IDBValidKey, unknown][]>;
  put(id: string, record: SavedModelRecord | DeletionMarker): Promise<void>;
  remove(id: string): Promise<void>;
}

export function idbRecordStore(): RecordStore {
  let store: UseStore | null = null;
  // Opened on first use, inside a promise: a browser without IndexedDB rejects instead of throwing.
  const use = async () => (store ??= createStore('gradient-lab-models', 'saved'));
  return {
    list: async () => entries(await use()),
    put: async (id, record) => set(id, record, await use()),
    remove: async (id) => del(id, await use()),
  };
}

export const MAX_CURVE_POINTS = 400;
const MAX_EVALUATIONS = 200;
export const MAX_NAME_LENGTH = 60;

/** A run's curves, small enough to keep: the loss thinned to a few hundred points, evaluations without per-digit predictions. */
export function compactCurves(batchLosses: LossPoint[], evaluations: Evaluation[]): SavedCurves {
  let points = batchLosses;
  while (points.length > MAX_CURVE_POINTS) points = compact(points, MAX_CURVE_POINTS);
  return { batchLosses: points, evaluations: evaluations.slice(-MAX_EVALUATIONS).map(({ predictions: _, ...kept }) => kept) };
}

/** A name as typed, tidied: trimmed, inner whitespace collapsed, length capped; '' when nothing is left. */
export function cleanName(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null);

function points(raw: unknown): LossPoint[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .slice(0, MAX_CURVE_POINTS)
    .filter((p): p is LossPoint => isRecord(p) && finite(p.step) && finite(p.epoch) && finite(p.loss))
    .map(({ step, epoch, loss }) => ({ step, epoch, loss }));
}

function evaluations(raw: unknown): Evaluation[] {
  if (!Array.isArray(raw)) return [];
  const out: Evaluation[] = [];
  for (const e of raw.slice(0, MAX_EVALUATIONS)) {
    if (!isRecord(e) || !finite(e.step) || !finite(e.epoch)) continue;
    const evaluation: Evaluation = { step: e.step, epoch: e.epoch, trainLoss: finite(e.trainLoss) ? e.trainLoss : Number.NaN, endOfEpoch: e.endOfEpoch === true };
    for (const key of ['trainAccuracy', 'valLoss', 'valAccuracy'] as const) if (finite(e[key])) evaluation[key] = e[key];
    out.push(evaluation);
  }
  return out;
}

/** A stored value as a record, or null when it is damaged or not one of ours. Never throws. */
export function parseRecord(value: unknown): SavedModelRecord | null {
  try {
    if (!isRecord(value) || value.version !== 1) return null;
    const id = text(value.id, 100);
    const name = text(value.name, MAX_NAME_LENGTH);
    const key = text(value.key, 100);
    const widget = text(value.widget, 60);
    const lesson = text(value.lesson, 200);
    const modelLabel = text(value.modelLabel, 100);
    if (!id || !name || !key || !/^[\w-]+$/.test(key) || widget === null || lesson === null || modelLabel === null) return null;
    const { inputShape, outputUnits, savedAt, params } = value;
    if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.length > 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0 && d <= 4096)) return null;
    if (!Number.isInteger(outputUnits) || (outputUnits as number) < 1 || (outputUnits as number) > 1024 || !finite(savedAt) || !Number.isInteger(params)) return null;
    const spec = value.spec;
    if (!isRecord(spec) || !Array.isArray(spec.layers) || !spec.layers.every(isRecord)) return null;
    const checkedSpec: ModelSpec = { layers: spec.layers as LayerSpec[] };
    if (describeModel(checkedSpec, inputShape as number[], outputUnits as number).errors.length > 0) return null;
    if (!isRecord(value.hyper)) return null;
    const accuracy = finite(value.accuracy) && value.accuracy >= 0 && value.accuracy <= 1 ? value.accuracy : null;
    const curves = isRecord(value.curves) ? value.curves : {};
    return {
      version: 1,
      id,
      name,
      key,
      widget,
      lesson,
      savedAt,
      accuracy,
      modelLabel,
      spec: structuredClone(checkedSpec),
      inputShape: inputShape as number[],
      outputUnits: outputUnits as number,
      params: params as number,
      hyper: checkAll(TRAINING_SCHEMA, value.hyper).values,
      curves: { batchLosses: points(curves.batchLosses), evaluations: evaluations(curves.evaluations) },
    };
  } catch {
    return null;
  }
}
