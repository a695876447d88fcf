import type { Schema, Values } from './schema';

export const OPTIMIZERS = new Map([
  ['sgd', 'SGD'],
  ['momentum', 'SGD with momentum'],
  ['adam', 'Adam'],
  ['rmsprop', 'RMSProp'],
]);

export const SCHEDULES = new Map([
  ['constant', 'Constant'],
  ['oneCycle', 'One-cycle'],
  ['stepDecay', 'Step decay (×0.5 per epoch)'],
]);

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
} satisfies Schema;

export type Hyperparams = Values<typeof TRAINING_SCHEMA>;
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';
export type ScheduleName = 'constant' | 'oneCycle' | 'stepDecay';
