import { checkValues, defaults, type OptionKey, type Schema, type Values } from './schema';
import { AUGMENTATION } from './augment';

/** The optimizers a learner can pick; their names are the Map's keys and nowhere else. */
export const OPTIMIZERS = new Map([
  ['sgd', 'SGD'],
  ['momentum', 'SGD with momentum'],
  ['adam', 'Adam'],
  ['rmsprop', 'RMSProp'],
] as const);

export const SCHEDULES = new Map([
  ['constant', 'Constant'],
  ['oneCycle', 'One-cycle'],
  ['stepDecay', 'Step decay (×0.5 per epoch)'],
] as const);

export type OptimizerName = OptionKey<typeof OPTIMIZERS>;
export type ScheduleName = OptionKey<typeof SCHEDULES>;

/** The training settings every trainer shares; each lesson picks its own defaults. */
export const TRAINING_SCHEMA = {
  learningRate: { kind: 'number', label: 'Learning rate', min: 1e-6, max: 10, default: 0.005, log: true, help: 'How big a step the optimizer takes.' },
  batchSize: { kind: 'number', label: 'Batch size', min: 1, max: 1024, default: 64, integer: true, help: 'Examples per step.' },
  optimizer: { kind: 'enum', label: 'Optimizer', options: OPTIMIZERS, default: 'adam' },
  epochs: { kind: 'number', label: 'Epochs', min: 0, max: 100, default: 3, integer: true, help: 'Passes over the training data (0 = until you pause).' },
  l2: { kind: 'number', label: 'L2 weight decay', min: 0, max: 1, default: 0, help: 'Penalty on large weights.' },
  l1: { kind: 'number', label: 'L1 regularisation', min: 0, max: 1, default: 0 },
  dropout: { kind: 'number', label: 'Dropout rate', min: 0, max: 0.9, default: 0, help: 'Applies to the dropout layers of the model.' },
  schedule: { kind: 'enum', label: 'Schedule', options: SCHEDULES, default: 'constant' },
  augment: { kind: 'boolean', label: 'Data augmentation', default: false, help: `Shift each training image by up to ${AUGMENTATION.maxShift} pixels and turn it by up to ${AUGMENTATION.maxRotationDegrees}° every time it is used (images only).` },
} satisfies Schema;

export type Hyperparams = Values<typeof TRAINING_SCHEMA>;

/**
 * How the worker runs a session, beyond the hyperparameters: the pace a learner can watch.
 * 0 = as fast as the machine goes.
 */
export const PACE_SCHEMA = {
  stepsPerSecond: { kind: 'number', label: 'Speed (steps per second)', min: 0, max: 120, default: 0, help: 'Slow enough to watch each step (0 = full speed).' },
} satisfies Schema;

/**
 * A trainer widget's lesson props → its starting training settings: the schema's settings among
 * the props, checked like anything typed (defaults, then `base`, fill the rest). Other props are
 * the widget's own and are left alone. The messages say what was clamped or rejected.
 */
export function lessonHyperparams(props: Readonly<Record<string, unknown>>, base: Partial<Hyperparams> = {}): { hyper: Hyperparams; messages: string[] } {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(TRAINING_SCHEMA)) if (props[key] !== undefined) raw[key] = props[key];
  const { values, messages } = checkValues(TRAINING_SCHEMA, raw);
  return { hyper: { ...defaults(TRAINING_SCHEMA), ...base, ...values }, messages };
}

/** The settings that differ between `before` and `after` (all of `after` when there was none). */
export function changedSettings(before: Hyperparams | null, after: Hyperparams): Partial<Hyperparams> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) if (!before || before[key as keyof Hyperparams] !== value) changes[key] = value;
  return changes as Partial<Hyperparams>;
}
