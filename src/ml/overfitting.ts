// Lesson 8's overfitting lab as a toy-trainer definition: the small CNN learns from a subset of
// the training digits, and the learner fights the gap between training and validation accuracy
// with more data, L2, dropout and data augmentation. No tfjs and no DOM.
import { defaults, type Schema, type Values } from './schema';
import { TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import { MNIST_PRESETS, type ModelSpec } from './modelSpec';
import { generateCode, trainerCell, type CodeSetup } from './codegen';
import type { Evaluation } from './trainingTypes';
import type { ToyTrainerDefinition } from './toyTrainer';
import type { TaskSpec } from './trainingTypes';

/** The training digits there are (10,000 less the 2,000 held out for validation). */
export const ALL_TRAINING_DIGITS = 8000;
/** Training accuracy is measured on at most this many training digits: a fixed sample keeps it cheap on the full set. */
export const TRAINING_SAMPLE = 2000;

export const OVERFITTING_SCHEMA = {
  trainCount: {
    kind: 'number',
    label: 'Training digits',
    min: 50,
    max: ALL_TRAINING_DIGITS,
    default: 200,
    integer: true,
    help: `How many of the ${ALL_TRAINING_DIGITS.toLocaleString('en')} training digits the model learns from.`,
  },
  epochs: { ...TRAINING_SCHEMA.epochs, min: 1, default: 30 },
  l2: { ...TRAINING_SCHEMA.l2, max: 0.5 },
  dropout: { ...TRAINING_SCHEMA.dropout, help: 'Share of the features the dropout layer (before the output layer) zeroes at random on each training step.' },
  augment: TRAINING_SCHEMA.augment,
} satisfies Schema;

export type OverfittingSettings = Values<typeof OVERFITTING_SCHEMA>;

/** Lesson 1's small CNN with a dropout layer before its output layer (rate 0 = off; the rate is a live setting). */
export const OVERFITTING_SPEC: ModelSpec = { layers: [...MNIST_PRESETS.cnn.layers, { type: 'dropout', rate: 0 }] };

/** Adam at 0.003 in batches of 32: the small subsets have only a few batches an epoch. */
export function overfittingHyper(s: OverfittingSettings): Hyperparams {
  return { ...defaults(TRAINING_SCHEMA), optimizer: 'adam', learningRate: 0.003, batchSize: 32, epochs: s.epochs, l2: s.l2, dropout: s.dropout, augment: s.augment };
}

/** Training accuracy minus validation accuracy (a fraction; ×100 for points), once both are known. */
export function accuracyGap(evaluation: Pick<Evaluation, 'trainAccuracy' | 'valAccuracy'> | null | undefined): number | undefined {
  if (evaluation?.trainAccuracy === undefined || evaluation.valAccuracy === undefined) return undefined;
  return evaluation.trainAccuracy - evaluation.valAccuracy;
}

function overfittingCodeSetup(s: OverfittingSettings): CodeSetup {
  return {
    spec: OVERFITTING_SPEC,
    inputShape: [28, 28, 1],
    outputUnits: 10,
    loss: 'softmaxCrossEntropy',
    hyper: overfittingHyper(s),
    dataDescription: `The first ${s.trainCount.toLocaleString('en')} training digits scaled to 0–1 as xs, one-hot labels as ys.`,
  };
}

export interface OverfittingTask {
  source: TaskSpec;
}

/**
 * The lab for the digits at `digitsUrl` (the page knows where the app serves them). The first
 * `trainCount` digits of the fixed, shuffled training split; always the same 2,000 for validation.
 */
export function overfittingLab(digitsUrl: string): ToyTrainerDefinition<typeof OVERFITTING_SCHEMA, OverfittingTask> {
  return {
    name: 'overfitting-lab',
    schema: OVERFITTING_SCHEMA,
    dataKeys: ['trainCount'],
    modelKeys: [],
    liveKeys: ['epochs', 'l2', 'dropout', 'augment'],
    // Evaluate twice an epoch (the full set's epochs last seconds), but at most once a second: a
    // 200-digit epoch is 7 steps, and evaluating 2,000 + 200 digits costs more than training them.
    tuning: { evaluateTrainingSet: TRAINING_SAMPLE, evaluationsPerEpoch: 2, evaluationIntervalMs: 1000 },
    backend: 'auto',
    task: (s) => ({ source: { kind: 'mnist', url: digitsUrl, trainCount: s.trainCount } }),
    model: () => OVERFITTING_SPEC,
    hyper: overfittingHyper,
    code: (s) => generateCode(overfittingCodeSetup(s)),
    cell: (s) => trainerCell(overfittingCodeSetup(s), { kind: 'digits', train: s.trainCount }),
    figures: (_, latest) => ({ gap: accuracyGap(latest), epoch: latest?.epoch }),
  };
}
