// The classifier playground's settings (one schema, after TensorFlow Playground's controls) and
// the pure steps from them to a training run: data, input features, model spec and training
// settings. No tfjs and no DOM.
import { checkValues, defaults, type Schema, type Values } from './schema';
import { TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import { ACTIVATION_NAMES, type ModelSpec } from './modelSpec';
import { FEATURE_NAMES, FEATURES, featurize, type FeatureName } from './features';
import { DATASET_2D_KINDS, generate2D, splitPoints2D, type Dataset2DKind, type Points2D } from './toyData';
import type { Examples, TrainingData } from './trainingTypes';
import { generateCode, trainerCell, type CodeSetup } from './codegen';
import { TOY_TUNING, type ToyTrainerDefinition } from './toyTrainer';

export const DATASETS_2D = new Map([
  ['circle', 'Circle'],
  ['xor', 'Exclusive or (XOR)'],
  ['gauss', 'Two blobs'],
  ['spiral', 'Spiral'],
]);

export const REGULARIZATIONS = new Map([
  ['none', 'None'],
  ['l1', 'L1'],
  ['l2', 'L2'],
]);

export const MAX_HIDDEN_LAYERS = 6;
const feature = (name: FeatureName, on: boolean) => ({
  kind: 'boolean' as const,
  label: FEATURES.get(name)!.label,
  default: on,
  help: 'Feed this input to the network.',
});
const layerUnits = (n: number) => ({
  kind: 'number' as const,
  label: `Units in layer ${n}`,
  min: 1,
  max: 16,
  default: 4,
  integer: true,
});

export const PLAYGROUND_SCHEMA = {
  dataset: { kind: 'enum', label: 'Data', options: DATASETS_2D, default: 'circle' },
  noise: {
    kind: 'number',
    label: 'Noise',
    min: 0,
    max: 50,
    default: 0,
    integer: true,
    help: 'How much the classes overlap (0–50).',
  },
  trainPercent: {
    kind: 'number',
    label: 'Training %',
    min: 10,
    max: 90,
    default: 50,
    integer: true,
    help: 'Share of the points used for training; the rest are the test set.',
  },
  x1: feature('x1', true),
  x2: feature('x2', true),
  x1Squared: feature('x1Squared', false),
  x2Squared: feature('x2Squared', false),
  x1x2: feature('x1x2', false),
  sinX1: feature('sinX1', false),
  sinX2: feature('sinX2', false),
  hiddenLayers: {
    kind: 'number',
    label: 'Hidden layers',
    min: 0,
    max: MAX_HIDDEN_LAYERS,
    default: 2,
    integer: true,
    help: '0 = a straight boundary (logistic regression).',
  },
  units1: layerUnits(1),
  units2: { ...layerUnits(2), default: 2 },
  units3: layerUnits(3),
  units4: layerUnits(4),
  units5: layerUnits(5),
  units6: layerUnits(6),
  activation: { kind: 'enum', label: 'Activation', options: ACTIVATION_NAMES, default: 'tanh' },
  regularization: {
    kind: 'enum',
    label: 'Regularisation',
    options: REGULARIZATIONS,
    default: 'none',
    help: 'A penalty on large weights.',
  },
  regularizationRate: {
    kind: 'number',
    label: 'Regularisation rate',
    min: 0,
    max: 1,
    default: 0.001,
    log: true,
    help: 'How strong the penalty is.',
  },
  learningRate: { ...TRAINING_SCHEMA.learningRate, default: 0.03 },
  batchSize: { ...TRAINING_SCHEMA.batchSize, max: 256, default: 10 },
  showTest: {
    kind: 'boolean',
    label: 'Show test points',
    default: true,
    help: 'Draw the held-out points (black outline) on the map.',
  },
} satisfies Schema;

export type PlaygroundSettings = Values<typeof PLAYGROUND_SCHEMA>;
export type PlaygroundKey = keyof PlaygroundSettings;

export const UNIT_KEYS = [
  'units1',
  'units2',
  'units3',
  'units4',
  'units5',
  'units6',
] as const satisfies readonly PlaygroundKey[];

/** Which settings need new data, which a new model, and which apply while training. */
export const DATA_KEYS: readonly PlaygroundKey[] = ['dataset', 'noise', 'trainPercent', ...FEATURE_NAMES];
export const MODEL_KEYS: readonly PlaygroundKey[] = ['hiddenLayers', ...UNIT_KEYS, 'activation'];
export const LIVE_KEYS: readonly PlaygroundKey[] = [
  'regularization',
  'regularizationRate',
  'learningRate',
  'batchSize',
];

/** Points per data set (TensorFlow Playground's count) and the square the heat map covers. */
export const POINT_COUNT = 500;
export const GRID_RANGE = 6;
export const GRID_RESOLUTION = 64;

export function playgroundSettings(raw: Record<string, unknown>): { settings: PlaygroundSettings; messages: string[] } {
  const { values, messages } = checkValues(PLAYGROUND_SCHEMA, raw);
  const settings = { ...defaults(PLAYGROUND_SCHEMA), ...values };
  if (selectedFeatures(settings).length === 0) {
    settings.x1 = true;
    settings.x2 = true;
    messages.push('At least one input feature is needed, so x₁ and x₂ were switched on.');
  }
  return { settings, messages };
}

/** The ticked features, in Playground's order. */
export function selectedFeatures(settings: Pick<PlaygroundSettings, FeatureName>): FeatureName[] {
  return FEATURE_NAMES.filter((name) => settings[name]);
}

export function hiddenLayerUnits(settings: PlaygroundSettings): number[] {
  return UNIT_KEYS.slice(0, settings.hiddenLayers).map((key) => settings[key]);
}

export function playgroundSpec(settings: PlaygroundSettings): ModelSpec {
  const activation = settings.activation;
  return { layers: hiddenLayerUnits(settings).map((units) => ({ type: 'dense' as const, units, activation })) };
}

/** The penalty as the session's `l1` / `l2` settings: one of them gets the rate, the other 0. */
export function regularizationHyper(settings: Pick<PlaygroundSettings, 'regularization' | 'regularizationRate'>): {
  l1: number;
  l2: number;
} {
  return {
    l1: settings.regularization === 'l1' ? settings.regularizationRate : 0,
    l2: settings.regularization === 'l2' ? settings.regularizationRate : 0,
  };
}

/** Adam, trained until paused. */
export function playgroundHyper(settings: PlaygroundSettings): Hyperparams {
  return {
    ...defaults(TRAINING_SCHEMA),
    optimizer: 'adam',
    epochs: 0,
    learningRate: settings.learningRate,
    batchSize: settings.batchSize,
    ...regularizationHyper(settings),
  };
}

export interface PlaygroundTask {
  data: TrainingData;
  /** The split in the plane, for drawing. */
  train: Points2D;
  test: Points2D;
  features: FeatureName[];
}

function toExamples(points: Points2D, features: FeatureName[]): Examples {
  return { x: featurize(points, features), y: Float32Array.from(points.label), count: points.label.length };
}

/** Generates the points (seeded), splits them, and computes the chosen features: a binary classification task. */
export function buildPlaygroundTask(settings: PlaygroundSettings, seed: number, count = POINT_COUNT): PlaygroundTask {
  const kind = settings.dataset as Dataset2DKind;
  if (!DATASET_2D_KINDS.includes(kind)) throw new RangeError(`Unknown data set "${settings.dataset}".`);
  const features = selectedFeatures(settings);
  if (features.length === 0) throw new RangeError('Choose at least one input feature.');
  const points = generate2D(kind, { count, noise: settings.noise, seed });
  const { train, test } = splitPoints2D(points, settings.trainPercent / 100, seed + 1);
  return {
    data: {
      inputShape: [features.length],
      outputUnits: 1,
      loss: 'sigmoidCrossEntropy',
      train: toExamples(train, features),
      validation: toExamples(test, features),
    },
    train,
    test,
    features,
  };
}

function playgroundCodeSetup(s: PlaygroundSettings): CodeSetup {
  return {
    spec: playgroundSpec(s),
    inputShape: [selectedFeatures(s).length],
    outputUnits: 1,
    loss: 'sigmoidCrossEntropy',
    hyper: playgroundHyper(s),
    dataDescription: 'Each point as its chosen features, xs [n, features], and its class (0 or 1) as ys [n, 1].',
  };
}

/** Seed of the points and their split, so a setting always gives the same data. */
const DATA_SEED = 3;

/** The 2-D classifier playground of lesson 5 as a toy trainer. */
export const CLASSIFIER_PLAYGROUND: ToyTrainerDefinition<typeof PLAYGROUND_SCHEMA, PlaygroundTask> = {
  name: 'classifier-playground',
  schema: PLAYGROUND_SCHEMA,
  dataKeys: DATA_KEYS,
  modelKeys: MODEL_KEYS,
  liveKeys: LIVE_KEYS,
  tuning: TOY_TUNING,
  settings: playgroundSettings,
  task: (s) => buildPlaygroundTask(s, DATA_SEED),
  model: playgroundSpec,
  hyper: playgroundHyper,
  // The penalty's kind and rate are one pair of session settings (l1, l2).
  settingsFromSpec: (spec) => {
    const dense = spec.layers.filter((l) => l.type === 'dense');
    if (dense.length !== spec.layers.length || dense.length > MAX_HIDDEN_LAYERS || dense.some((l) => l.activation !== dense[0].activation)) return null;
    const units = Object.fromEntries(dense.map((l, i) => [UNIT_KEYS[i], l.units]));
    return { hiddenLayers: dense.length, ...units, ...(dense[0] && { activation: dense[0].activation }) };
  },
  liveChange: (key, s) => (key === 'regularization' || key === 'regularizationRate' ? regularizationHyper(s) : { [key]: s[key] }),
  code: (s) => generateCode(playgroundCodeSetup(s)),
  cell: (s, task) => trainerCell(playgroundCodeSetup(s), { kind: 'data', data: task.data }),
};
