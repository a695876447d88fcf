// What lessons 6 and 10's digit widgets put in a shared link: the settings a learner sets in them,
// each checked through its schema like anything typed (sharedSettings.ts).
import { TRAINING_SCHEMA } from '../../ml/hyperparams';
import { pickParams, type OptionKey, type Schema } from '../../ml/schema';

/** The digit trainer's models: the three presets, or the learner's own from the architecture editor. */
export const TRAINER_MODELS = new Map([
  ['cnn', 'Small CNN (convolutional)'],
  ['mlp', 'MLP (one hidden layer)'],
  ['linear', 'Linear (no hidden layer)'],
  ['custom', 'Your own architecture'],
] as const);

/**
 * Lessons 1 and 9's digit trainer: its training settings, the model, and (for the learner's own
 * model) its architecture as text (`specToText`), which the trainer then reads with `specFromText`.
 */
export const MNIST_TRAINER_LINK_SCHEMA = {
  ...TRAINING_SCHEMA,
  model: { kind: 'enum', label: 'Model', options: TRAINER_MODELS, default: 'cnn' },
  arch: { kind: 'text', label: 'Architecture', maxLength: 1000, default: '' },
} satisfies Schema;

/** The two networks lesson 6 sets against the baseline, by the MNIST preset they use. */
export const BASELINE_MODELS = new Map([
  ['linear', 'Linear (no hidden layer)'],
  ['mlp', 'MLP (one hidden layer of 128)'],
] as const);
export type BaselineModel = OptionKey<typeof BASELINE_MODELS>;

/** The baseline widget's link: which network, and the training settings its panel shows. */
export const DIGIT_BASELINE_LINK_SCHEMA = {
  model: { kind: 'enum', label: 'Model', options: BASELINE_MODELS, default: 'linear' },
  ...pickParams(TRAINING_SCHEMA, ['learningRate', 'epochs', 'batchSize', 'optimizer']),
} satisfies Schema;

/** The cells of the 10 × 10 confusion matrix, `actual-predicted` ("4-9": a 4 read as a 9), and "the most common mistake". */
export const CONFUSION_CELLS: ReadonlyMap<string, string> = new Map([
  ['worst', 'The most common mistake'],
  ...Array.from({ length: 100 }, (_, i): [string, string] => [
    `${Math.floor(i / 10)}-${i % 10}`,
    `${Math.floor(i / 10)} read as ${i % 10}`,
  ]),
]);

/** A cell key → its digits, or null for "the most common mistake". */
export function confusionCell(key: string): { actual: number; predicted: number } | null {
  const match = /^(\d)-(\d)$/.exec(key);
  return match ? { actual: Number(match[1]), predicted: Number(match[2]) } : null;
}

/** The error-analysis widget's link: its training settings and the confusion-matrix cell opened. */
export const ERROR_ANALYSIS_LINK_SCHEMA = {
  ...pickParams(TRAINING_SCHEMA, ['learningRate', 'epochs', 'batchSize']),
  cell: { kind: 'enum', label: 'Cell opened', options: CONFUSION_CELLS, default: 'worst' },
} satisfies Schema;
