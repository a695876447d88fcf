// The curve fitter's settings (one schema) and the pure steps between them and a training run:
// the model spec, the training settings, the data (built-in curves or the learner's own points,
// rescaled) and the grid the fitted curve is drawn on. No tfjs and no DOM.
import { checkValues, defaults, type Schema, type Values } from './schema';
import { TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import { ACTIVATION_NAMES, type ModelSpec } from './modelSpec';
import { CURVE_KINDS, generateCurve, splitPoints, type CurveKind, type Points1D } from './toyData';
import type { Examples, TrainingData } from './trainingTypes';
import { generateCode, trainerCell, type CodeSetup } from './codegen';
import { TOY_TUNING, type ToyTrainerDefinition } from './toyTrainer';

export const CURVE_DATASETS = new Map([
  ['sine', 'Sine wave'],
  ['step', 'Step'],
  ['quadratic', 'Parabola'],
  ['custom', 'Your own data (CSV)'],
]);

export const CURVE_FITTER_SCHEMA = {
  dataset: { kind: 'enum', label: 'Data', options: CURVE_DATASETS, default: 'sine' },
  points: {
    kind: 'number',
    label: 'Points',
    min: 10,
    max: 1000,
    default: 200,
    integer: true,
    help: 'How many points to generate.',
  },
  noise: {
    kind: 'number',
    label: 'Noise',
    min: 0,
    max: 1,
    default: 0.1,
    help: 'Standard deviation of the random noise added to each y.',
  },
  validationPercent: {
    kind: 'number',
    label: 'Validation %',
    min: 10,
    max: 50,
    default: 25,
    integer: true,
    help: 'Share of the points held back to check the fit.',
  },
  hiddenLayers: {
    kind: 'number',
    label: 'Hidden layers',
    min: 0,
    max: 4,
    default: 1,
    integer: true,
    help: '0 = a straight line.',
  },
  units: {
    kind: 'number',
    label: 'Units per layer',
    min: 1,
    max: 32,
    default: 16,
    integer: true,
    help: 'Neurons in each hidden layer.',
  },
  activation: {
    kind: 'enum',
    label: 'Activation',
    options: ACTIVATION_NAMES,
    default: 'relu',
    help: 'The bend each hidden unit applies.',
  },
  learningRate: { ...TRAINING_SCHEMA.learningRate, default: 0.01 },
  batchSize: { ...TRAINING_SCHEMA.batchSize, default: 16 },
  showHidden: {
    kind: 'boolean',
    label: 'Show hidden units',
    default: false,
    help: 'Draw what each unit of the last hidden layer adds to the curve.',
  },
} satisfies Schema;

export type CurveFitterSettings = Values<typeof CURVE_FITTER_SCHEMA>;
export type CurveFitterKey = keyof CurveFitterSettings;

/** Which settings need new data, which a new model, and which apply while training. */
export const DATA_KEYS: readonly CurveFitterKey[] = ['dataset', 'points', 'noise', 'validationPercent'];
export const MODEL_KEYS: readonly CurveFitterKey[] = ['hiddenLayers', 'units', 'activation'];
export const LIVE_KEYS: readonly CurveFitterKey[] = ['learningRate', 'batchSize'];

/** Lesson props → checked settings (unknown or invalid props are reported, defaults fill the rest). */
export function curveFitterSettings(raw: Record<string, unknown>): {
  settings: CurveFitterSettings;
  messages: string[];
} {
  const { values, messages } = checkValues(CURVE_FITTER_SCHEMA, raw);
  const settings = { ...defaults(CURVE_FITTER_SCHEMA), ...values };
  if (settings.dataset === 'custom') {
    // Own data can only come from the learner, so a lesson cannot start with it.
    settings.dataset = 'sine';
    messages.push('"Your own data" needs a CSV first: starting with the sine wave.');
  }
  return { settings, messages };
}

export function curveModelSpec(
  settings: Pick<CurveFitterSettings, 'hiddenLayers' | 'units' | 'activation'>,
): ModelSpec {
  const layer = { type: 'dense' as const, units: settings.units, activation: settings.activation };
  return { layers: Array.from({ length: settings.hiddenLayers }, () => ({ ...layer })) };
}

export function hiddenUnitTotal(settings: Pick<CurveFitterSettings, 'hiddenLayers' | 'units'>): number {
  return settings.hiddenLayers * settings.units;
}

/** Adam, trained until paused; loss is the mean squared error (set by the data). */
export function curveHyper(settings: Pick<CurveFitterSettings, 'learningRate' | 'batchSize'>): Hyperparams {
  return {
    ...defaults(TRAINING_SCHEMA),
    optimizer: 'adam',
    epochs: 0,
    learningRate: settings.learningRate,
    batchSize: settings.batchSize,
  };
}

/**
 * A linear map from the learner's units to the model's: model = (value − offset) / scale. The
 * built-in curves already live in about [−1, 1] and use the identity; a CSV's columns are mapped
 * to [−1, 1], so one learning rate suits any data.
 */
export interface Scaling {
  xOffset: number;
  xScale: number;
  yOffset: number;
  yScale: number;
}

export const IDENTITY_SCALING: Scaling = { xOffset: 0, xScale: 1, yOffset: 0, yScale: 1 };

function span(values: Float32Array): { offset: number; scale: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { offset: 0, scale: 1 };
  const half = (hi - lo) / 2;
  // A column of equal values has no spread to scale: centre it only.
  return { offset: lo + half, scale: half > 0 ? half : 1 };
}

/** The scaling that maps the points' x and y ranges each onto [−1, 1]. */
export function fitScaling(points: Points1D): Scaling {
  const x = span(points.x);
  const y = span(points.y);
  return { xOffset: x.offset, xScale: x.scale, yOffset: y.offset, yScale: y.scale };
}

export const toModelX = (s: Scaling, x: number): number => (x - s.xOffset) / s.xScale;
export const toModelY = (s: Scaling, y: number): number => (y - s.yOffset) / s.yScale;
export const fromModelY = (s: Scaling, y: number): number => y * s.yScale + s.yOffset;

function toExamples(points: Points1D, s: Scaling): Examples {
  const n = points.x.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = toModelX(s, points.x[i]);
    y[i] = toModelY(s, points.y[i]);
  }
  return { x, y, count: n };
}

export interface CurveTask {
  data: TrainingData;
  /** The split in the learner's units, for drawing. */
  train: Points1D;
  validation: Points1D;
  scaling: Scaling;
}

/** Splits the points (seeded) and turns them into a regression task in the model's units. */
export function buildCurveTask(
  points: Points1D,
  validationFraction: number,
  seed: number,
  scaling: Scaling = IDENTITY_SCALING,
): CurveTask {
  // Hold back at least one point (splitPoints rounds), so there is always a validation loss.
  const n = points.x.length;
  const { train, validation } = splitPoints(
    points,
    n > 0 ? Math.max(validationFraction, 0.6 / n) : validationFraction,
    seed,
  );
  if (train.x.length < 1) throw new RangeError('Too few points to train on.');
  if (validation.x.length < 1) throw new RangeError('Too few points to hold any back for validation: use at least 2.');
  return {
    data: {
      inputShape: [1],
      outputUnits: 1,
      loss: 'meanSquaredError',
      train: toExamples(train, scaling),
      validation: toExamples(validation, scaling),
    },
    train,
    validation,
    scaling,
  };
}

/** The points of a built-in curve for these settings (seeded, so the same settings give the same points). */
export function generatedPoints(
  settings: Pick<CurveFitterSettings, 'dataset' | 'points' | 'noise'>,
  seed: number,
): Points1D {
  const kind = settings.dataset as CurveKind;
  if (!CURVE_KINDS.includes(kind)) throw new RangeError(`"${settings.dataset}" is not a built-in curve.`);
  return generateCurve(kind, { count: settings.points, noise: settings.noise, seed });
}

/** `count` evenly spaced values from `lo` to `hi`, both included. */
export function linspace(lo: number, hi: number, count: number): Float32Array {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`count must be a whole number ≥ 2, got ${count}.`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + ((hi - lo) * i) / (count - 1);
  return out;
}

/** The x range to plot: the data's, widened by `margin` of its width on each side (so extrapolation shows). */
export function plotXRange(sets: readonly Points1D[], margin = 0.1): [number, number] {
  const all = new Float32Array(sets.reduce((n, s) => n + s.x.length, 0));
  let at = 0;
  for (const set of sets) {
    all.set(set.x, at);
    at += set.x.length;
  }
  const { offset, scale } = span(all);
  const half = scale * (1 + 2 * margin);
  return [offset - half, offset + half];
}

/**
 * What each hidden unit of the last layer adds to the output, in the learner's y units:
 * contributions[j][i] = activation_j(x_i) · kernel_j · yScale. Their sum plus `offset` is the
 * model's curve (offset = bias · yScale + yOffset).
 */
export function unitContributions(
  hidden: { values: Float32Array; units: number; outputKernel: Float32Array; outputBias: Float32Array },
  count: number,
  s: Scaling,
): { contributions: Float32Array[]; offset: number } {
  const { values, units, outputKernel, outputBias } = hidden;
  if (values.length !== count * units) throw new RangeError('The hidden activations do not match the grid.');
  const contributions = Array.from({ length: units }, () => new Float32Array(count));
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < units; j++) contributions[j][i] = values[i * units + j] * outputKernel[j] * s.yScale;
  }
  return { contributions, offset: outputBias[0] * s.yScale + s.yOffset };
}

function curveCodeSetup(s: CurveFitterSettings): CodeSetup {
  return {
    spec: curveModelSpec(s),
    inputShape: [1],
    outputUnits: 1,
    loss: 'meanSquaredError',
    hyper: curveHyper(s),
    dataDescription: 'Your points as xs [n, 1] and ys [n, 1] (scaled to about −1…1).',
  };
}

/** Seeds of the built-in curves and of the train/validation split, so a setting always gives the same points. */
const DATA_SEED = 7;
const SPLIT_SEED = 11;

/** The curve fitter of lesson 4 as a toy trainer: a small MLP fits points, live. */
export const CURVE_FITTER: ToyTrainerDefinition<typeof CURVE_FITTER_SCHEMA, CurveTask, Points1D> = {
  name: 'curve-fitter',
  schema: CURVE_FITTER_SCHEMA,
  dataKeys: DATA_KEYS,
  modelKeys: MODEL_KEYS,
  liveKeys: LIVE_KEYS,
  tuning: TOY_TUNING,
  settings: curveFitterSettings,
  task: (s, own) =>
    s.dataset === 'custom' && own
      ? buildCurveTask(own, s.validationPercent / 100, SPLIT_SEED, fitScaling(own))
      : buildCurveTask(generatedPoints(s, DATA_SEED), s.validationPercent / 100, SPLIT_SEED, IDENTITY_SCALING),
  model: curveModelSpec,
  hyper: curveHyper,
  code: (s) => generateCode(curveCodeSetup(s)),
  cell: (s, task) => trainerCell(curveCodeSetup(s), { kind: 'data', data: task.data }),
  figures: (s) => ({ hiddenUnits: hiddenUnitTotal(s) }),
  settingsFromSpec: (spec) => {
    const dense = spec.layers.filter((l) => l.type === 'dense');
    if (dense.length !== spec.layers.length) return null;
    if (dense.length === 0) return { hiddenLayers: 0 };
    const [first] = dense;
    // The fitter's networks have equal layers; a model with unequal ones cannot be shown by its settings.
    if (dense.some((l) => l.units !== first.units || l.activation !== first.activation)) return null;
    return { hiddenLayers: dense.length, units: first.units, activation: first.activation };
  },
};
