import { createRng, shuffleInPlace } from './random';
import type { TrainingData } from './trainingTypes';

/** The decoded digits: `pixels` holds `count` images of rows×cols bytes (0–255, ink high). */
export interface MnistData {
  count: number;
  rows: number;
  cols: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

export class DataLoadError extends Error {
  override name = 'DataLoadError';
}

const MAGIC = [0x47, 0x4c, 0x4d, 0x4e]; // "GLMN"
const HEADER = 12;
export const NUM_CLASSES = 10;

/** Decodes the inflated asset written by scripts/build-mnist-asset.mjs, checking every field. */
export function decodeMnist(raw: Uint8Array): MnistData {
  if (raw.length < HEADER || MAGIC.some((b, i) => raw[i] !== b)) {
    throw new DataLoadError('The digit data is not a Gradient Lab MNIST file (bad header).');
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const version = view.getUint16(4, true);
  if (version !== 1) throw new DataLoadError(`Unsupported MNIST asset version ${version}.`);
  const count = view.getUint32(6, true);
  const rows = raw[10];
  const cols = raw[11];
  const expected = HEADER + count + count * rows * cols;
  if (count === 0 || rows === 0 || cols === 0 || raw.length !== expected) {
    throw new DataLoadError(
      `The digit data is truncated or corrupt: expected ${expected} bytes, got ${raw.length}.`,
    );
  }
  const labels = raw.subarray(HEADER, HEADER + count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= NUM_CLASSES) throw new DataLoadError(`Digit ${i} has an invalid label ${labels[i]}.`);
  }
  return { count, rows, cols, labels, pixels: raw.subarray(HEADER + count) };
}

/** Inflates a gzip stream with the platform's DecompressionStream (browsers, workers and Node ≥ 18). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new DataLoadError(`The digit data could not be decompressed (${String(cause)}).`);
  }
}

/** Bytes downloaded so far, and in all (0 when the server does not say). */
export type DownloadListener = (received: number, total: number) => void;

/** Fetches, inflates and decodes the asset, reporting the download's bytes. `fetchImpl` is injectable for tests. */
export async function loadMnist(url: string, fetchImpl: typeof fetch = fetch, onProgress?: DownloadListener): Promise<MnistData> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (cause) {
    throw new DataLoadError(`Could not download the digit data from ${url} (${String(cause)}).`);
  }
  if (!response.ok) {
    throw new DataLoadError(`Could not download the digit data: the server answered ${response.status} for ${url}.`);
  }
  const bytes = onProgress ? await readWithProgress(response, onProgress) : new Uint8Array(await response.arrayBuffer());
  return decodeMnist(await gunzip(bytes));
}

/** Reads a response's body chunk by chunk, reporting the bytes so far (at most about 50 reports). */
async function readWithProgress(response: Response, onProgress: DownloadListener): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  const total = Number.isFinite(declared) && declared > 0 ? declared : 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  let reported = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (received - reported >= (total || 2e6) / 50) {
      reported = received;
      onProgress(received, Math.max(total, received));
    }
  }
  onProgress(received, Math.max(total, received));
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * A fixed, seeded, stratified split: each digit class contributes the same fraction to the
 * validation set, so 8,000 / 2,000 keeps the class balance of the whole set.
 */
export function stratifiedSplit(labels: Uint8Array, validationCount: number, seed = 1234): Split {
  const n = labels.length;
  if (validationCount <= 0 || validationCount >= n) throw new RangeError('validationCount must be between 1 and n-1');
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  const random = createRng(seed);
  const fraction = validationCount / n;
  // Largest-remainder rounding so the per-class quotas add up to validationCount exactly.
  const quotas = byClass.map((idx) => idx.length * fraction);
  const taken = quotas.map(Math.floor);
  let missing = validationCount - taken.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, c) => [q - Math.floor(q), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, c] of order) {
    if (missing <= 0) break;
    taken[c]++;
    missing--;
  }
  const train: number[] = [];
  const validation: number[] = [];
  byClass.forEach((indices, c) => {
    const shuffled = indices.slice();
    shuffleInPlace(shuffled, random);
    validation.push(...shuffled.slice(0, taken[c]));
    train.push(...shuffled.slice(taken[c]));
  });
  const trainArr = Int32Array.from(train);
  const valArr = Int32Array.from(validation);
  shuffleInPlace(trainArr, random);
  shuffleInPlace(valArr, random);
  return { train: trainArr, validation: valArr };
}

/** The split a digit session holds out unless its task names another: 2,000 validation digits, seed 1234. */
export const DIGITS_SPLIT = { validationCount: 2000, seed: 1234 } as const;

/** Digit images as bytes (0–255, ink high), `count` of them back to back, with their labels. */
export interface DigitImages {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Copies out the digits at the first `limit` of `indices`, in that order. */
export function digitImages(data: MnistData, indices: Int32Array, limit: number): DigitImages {
  const n = Math.max(0, Math.min(limit, indices.length));
  const size = data.rows * data.cols;
  const pixels = new Uint8Array(n * size);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    pixels.set(data.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = data.labels[i];
  }
  return { pixels, labels, count: n };
}

/**
 * The first `limit` validation digits of the usual split, in the order a digit session's worker
 * holds them (its `validationImages` answer): for a widget that shows digits and trains nothing,
 * so it needs no worker. `fetchImpl` is injectable for tests.
 */
export async function loadValidationDigits(url: string, limit: number, fetchImpl: typeof fetch = fetch): Promise<DigitImages> {
  const data = await loadMnist(url, fetchImpl);
  return digitImages(data, stratifiedSplit(data.labels, DIGITS_SPLIT.validationCount, DIGITS_SPLIT.seed).validation, limit);
}

/** Copies the chosen digits into float inputs scaled to 0–1, ready for the training session. */
export function gatherDigits(data: MnistData, indices: Int32Array): { x: Float32Array; y: Int32Array } {
  const size = data.rows * data.cols;
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const src = data.pixels.subarray(i * size, (i + 1) * size);
    const base = k * size;
    for (let p = 0; p < size; p++) x[base + p] = src[p] / 255;
    y[k] = data.labels[i];
  }
  return { x, y };
}

/** The digits a session trains on: a seeded, stratified split (the first `trainCount` training digits, where given). */
export function digitsTrainingData(mnist: MnistData, validationCount: number, seed: number, trainCount?: number): { data: TrainingData; trainIndices: Int32Array; validationIndices: Int32Array } {
  const split = stratifiedSplit(mnist.labels, validationCount, seed);
  const trainIndices = trainCount ? split.train.subarray(0, trainCount) : split.train;
  const validationIndices = split.validation;
  const data: TrainingData = {
    inputShape: [mnist.rows, mnist.cols, 1],
    outputUnits: 10,
    loss: 'softmaxCrossEntropy',
    train: { ...gatherDigits(mnist, trainIndices), count: trainIndices.length },
    validation: { ...gatherDigits(mnist, validationIndices), count: validationIndices.length },
  };
  return { data, trainIndices, validationIndices };
}

/**
 * How the digit widgets' sessions evaluate: four times an epoch at most, and in line never more
 * than 5 % of the time (on a slow machine the 2,000-digit validation pass is spaced out to fit).
 * On another thread they may come twice as often, within a quarter of that thread's time (see
 * backgroundEvaluations.ts).
 */
export const DIGITS_TUNING = { evaluationsPerEpoch: 4, evaluationBudget: 0.05 } as const;
