// `lab`: what a code cell can do besides TensorFlow.js — read the data and settings it was handed,
// draw a live loss/accuracy chart, show digits or any images from a tensor, show a table, and
// report figures for the lesson's exercises. It runs in the cell's worker; all it shows goes
// through the outbox as plain data, which the page draws with its own components.
import type * as tfc from '@tensorflow/tfjs-core';
import { gunzip, decodeMnist, stratifiedSplit, gatherDigits, DIGITS_SPLIT, NUM_CLASSES } from '../ml/mnist';
import { generateLine } from '../ml/toyData';
import { defaults } from '../ml/schema';
import { LINE_FITTER_SCHEMA } from '../ml/lineFit';
import { leastSquaresLine, meanSquaredError } from '../ml/leastSquares';
import type { CellChartPoint, CellInputs } from './cellProtocol';
import type { CellOutbox } from './CellOutbox';

type Tf = typeof tfc;
type Figure = number | string | boolean;
type Logs = Record<string, number | undefined>;

/** Most images one `lab.images` call shows. */
const MAX_IMAGES = 100;
/** Most rows one `lab.table` call shows. */
const MAX_ROWS = 200;

export interface LabChart {
  /** Adds a point: `step` or `epoch` (or `x`), and any of loss, valLoss, accuracy, valAccuracy (accuracy as 0–1, as tfjs logs it). */
  add(point: Record<string, number | undefined>): void;
  /** Callbacks for `model.fit` that draw every batch's loss and every epoch's validation figures. */
  callbacks(): { onBatchEnd: (batch: number, logs?: Logs) => void; onEpochEnd: (epoch: number, logs?: Logs) => void };
}

export interface DigitSet {
  xs: tfc.Tensor4D;
  ys: tfc.Tensor2D;
  labels: number[];
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Accuracy as a percentage: tfjs's logs give a fraction. */
function percent(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value <= 1 ? value * 100 : value;
}

export function createLab(tf: Tf, outbox: CellOutbox, inputs: CellInputs) {
  let nextId = 1;
  let digits: ReturnType<typeof decodeMnist> | null = null;

  function report(values: Record<string, unknown>): void {
    const clean: Record<string, Figure> = {};
    for (const [name, value] of Object.entries(values ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`lab.report: "${name}" is not a figure name (letters and digits, like valLoss)`);
      if (typeof value === 'string' || typeof value === 'boolean' || finite(value) !== undefined) clean[name] = value as Figure;
      else throw new TypeError(`lab.report: ${name} must be a finite number, text or true/false, got ${String(value)}`);
    }
    outbox.report(clean);
  }

  function chart(options: { title?: string; x?: 'step' | 'epoch' } = {}): LabChart {
    const id = nextId++;
    const xTitle = options.x === 'epoch' ? 'epoch' : 'step';
    const title = String(options.title ?? 'Training');
    let step = 0;
    const add: LabChart['add'] = (raw) => {
      const x = finite(raw?.x ?? raw?.step ?? raw?.epoch) ?? step;
      step = Math.max(step, x);
      const point: CellChartPoint = { x };
      const loss = finite(raw?.loss);
      const valLoss = finite(raw?.valLoss ?? raw?.val_loss);
      const accuracy = percent(finite(raw?.accuracy ?? raw?.acc));
      const valAccuracy = percent(finite(raw?.valAccuracy ?? raw?.val_acc));
      const series = { loss, valLoss, accuracy, valAccuracy };
      for (const [name, value] of Object.entries(series)) {
        if (value === undefined) continue;
        point[name as keyof typeof series] = value;
      }
      outbox.chart(id, title, xTitle, point);
    };
    return {
      add,
      callbacks: () => ({
        onBatchEnd: (_batch, logs) => add({ step: step + 1, loss: logs?.loss }),
        onEpochEnd: (_epoch, logs) => add({ step, valLoss: logs?.val_loss, accuracy: logs?.acc, valAccuracy: logs?.val_acc }),
      }),
    };
  }

  /** A tensor of images, [n, h, w], [n, h, w, 1 or 3], [n, 784] or one [h, w], with values 0–1 or 0–255. */
  async function images(tensor: tfc.Tensor, options: { title?: string; labels?: unknown[] } = {}): Promise<void> {
    if (!tensor || !Array.isArray(tensor.shape)) throw new TypeError('lab.images needs a tensor, e.g. lab.images(xs.slice(0, 16))');
    let shape = tensor.shape;
    if (shape.length === 2 && shape[1] === 784) shape = [shape[0], 28, 28, 1];
    else if (shape.length === 2) shape = [1, shape[0], shape[1], 1];
    else if (shape.length === 3) shape = [...shape, 1];
    const [n, height, width, channels] = shape;
    if (shape.length !== 4 || (channels !== 1 && channels !== 3)) {
      throw new TypeError(`lab.images: a tensor of shape [${tensor.shape.join(', ')}] is not images; give [count, height, width] or [count, height, width, 1 or 3]`);
    }
    if (height * width > 512 * 512) throw new RangeError(`lab.images: ${height}×${width} images are too big to show (at most 512×512)`);
    const count = Math.min(n, MAX_IMAGES);
    const values = (await tensor.data()).subarray(0, count * height * width * channels);
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Values in 0–1 are shown as they are (0 black, 1 white); anything else (feature maps, raw bytes)
    // is stretched from its lowest to its highest value.
    const [low, scale] = min >= 0 && max <= 1 ? [0, 255] : [min, max > min ? 255 / (max - min) : 0];
    const pixels = new Uint8ClampedArray(values.length);
    for (let i = 0; i < values.length; i++) pixels[i] = (values[i] - low) * scale;
    const labels = (options.labels ?? []).slice(0, count).map((label) => String(label).slice(0, 40));
    outbox.picture({ kind: 'images', id: nextId++, title: String(options.title ?? ''), count, height, width, channels: channels as 1 | 3, pixels, labels });
  }

  function table(rows: unknown, options: { title?: string } = {}): void {
    if (!Array.isArray(rows)) throw new TypeError('lab.table needs an array of rows, e.g. lab.table([{ lr: 0.1, loss: 0.3 }])');
    const shown = rows.slice(0, MAX_ROWS);
    const columns = [...new Set(shown.flatMap((row) => (row && typeof row === 'object' && !Array.isArray(row) ? Object.keys(row) : [])))].slice(0, 20);
    const cell = (value: unknown): string | number => (typeof value === 'number' ? value : String(value ?? '').slice(0, 200));
    const body = columns.length > 0 ? shown.map((row) => columns.map((column) => cell((row as Record<string, unknown>)[column]))) : shown.map((row) => (Array.isArray(row) ? row.slice(0, 20).map(cell) : [cell(row)]));
    const title = `${options.title ?? ''}${rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${rows.length} rows)` : ''}`;
    outbox.picture({ kind: 'table', id: nextId++, title, columns: columns.length > 0 ? columns : body[0]?.map((_, i) => `${i}`) ?? [], rows: body });
  }

  async function loadDigits(): Promise<ReturnType<typeof decodeMnist>> {
    if (digits) return digits;
    if (!inputs.digits) throw new Error('This cell was not handed the digits: its lesson block needs "data: digits".');
    digits = decodeMnist(await gunzip(new Uint8Array(inputs.digits)));
    return digits;
  }

  function digitSet(data: ReturnType<typeof decodeMnist>, indices: Int32Array): DigitSet {
    const { x, y } = gatherDigits(data, indices);
    return {
      xs: tf.tensor4d(x, [indices.length, data.rows, data.cols, 1]),
      ys: tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), NUM_CLASSES).toFloat() as tfc.Tensor2D),
      labels: Array.from(y),
    };
  }

  const data = {
    /** The app's digits, split as the widgets split them: `train` (up to 8,000) and `validation` (2,000). */
    async digits(options: { train?: number; validation?: number } = {}): Promise<{ train: DigitSet; validation: DigitSet }> {
      const all = await loadDigits();
      const split = stratifiedSplit(all.labels, DIGITS_SPLIT.validationCount, DIGITS_SPLIT.seed);
      const take = (indices: Int32Array, wanted: number | undefined) => indices.subarray(0, Math.max(1, Math.min(indices.length, Math.floor(wanted ?? indices.length))));
      return { train: digitSet(all, take(split.train, options.train)), validation: digitSet(all, take(split.validation, options.validation)) };
    },
    /**
     * The line widget's points (its settings: slope, intercept, noise, count, seed), as xs and ys
     * [n, 1] and as arrays, with the best line through them (least squares) and its error.
     */
    line(): { xs: tfc.Tensor2D; ys: tfc.Tensor2D; x: number[]; y: number[]; best: { slope: number; intercept: number; mse: number } } {
      const settings: Record<string, unknown> = { ...defaults(LINE_FITTER_SCHEMA), ...inputs.settings };
      const number = (key: 'count' | 'slope' | 'intercept' | 'noise' | 'seed') => Number(settings[key]);
      const points = generateLine({ count: number('count'), slope: number('slope'), intercept: number('intercept'), noise: number('noise'), seed: number('seed') });
      const n = points.x.length;
      const best = leastSquaresLine(points);
      return { xs: tf.tensor2d(points.x, [n, 1]), ys: tf.tensor2d(points.y, [n, 1]), x: Array.from(points.x), y: Array.from(points.y), best: { ...best, mse: meanSquaredError(points, best.slope, best.intercept) } };
    },
    /** The training data the widget handed over ("Open as a cell"). */
    tensors(): { xs: tfc.Tensor; ys: tfc.Tensor } {
      if (!inputs.tensors) throw new Error('This cell was not handed any training data.');
      const { xs, ys } = inputs.tensors;
      return { xs: tf.tensor(xs.values, xs.shape), ys: tf.tensor(ys.values, ys.shape) };
    },
  };

  return Object.freeze({
    settings: Object.freeze({ ...inputs.settings }),
    data: Object.freeze(data),
    chart,
    images,
    table,
    report,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, 60_000)))),
  });
}

export type Lab = ReturnType<typeof createLab>;
