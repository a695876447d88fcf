// What a toy trainer widget is, as data: one definition per widget, exported by its core module
// (curveFitting.ts, classifierPlayground.ts, …). The page's ToyTrainer state class turns a
// definition into a working trainer, so a new lesson's widget is a definition and a small view.
import { checkValues, defaults, type Schema, type Values } from './schema';
import type { Hyperparams } from './hyperparams';
import type { TrainerCell } from './codegen';
import type { ModelSpec } from './modelSpec';
import type { Evaluation, TrainingData } from './trainingTypes';
import type { BackendChoice, SessionTuning, TaskSpec } from './trainingTypes';

/**
 * The data a toy trainer trains on: arrays made in the page, or a data set the worker loads
 * itself (the digits). Each widget adds what it draws (the split, a scaling…).
 */
export type ToyTask = { data: TrainingData } | { source: TaskSpec };

/** What the worker is asked to load for a task. */
export function workerTask(task: ToyTask): TaskSpec {
  return 'source' in task ? task.source : { kind: 'arrays', data: task.data };
}

/** The model's input shape and outputs for a task (the digits: 28×28 pixels, ten classes). */
export function taskShape(task: ToyTask): { inputShape: number[]; outputUnits: number } {
  const spec = workerTask(task);
  return spec.kind === 'mnist' ? { inputShape: [28, 28, 1], outputUnits: 10 } : { inputShape: spec.data.inputShape, outputUnits: spec.data.outputUnits };
}

/**
 * Tiny data: an epoch takes a few milliseconds, a step about one. Evaluate the full sets after
 * every Step a learner takes, and every 10 steps while playing: the chart's x axis is the step, and
 * evaluating on a clock (4 times a second) gave it a test-loss point per 100-400 steps. An
 * evaluation costs about one step (five for the largest playground network); the page shows them
 * in batches, a few times a second (TrainingProgress).
 */
export const TOY_TUNING: SessionTuning = { evaluateTrainingSet: true, evaluationsPerEpoch: 1000, evaluationSteps: 10 };

export type SettingKey<S extends Schema> = keyof S & string;

export interface ToyTrainerDefinition<S extends Schema, T extends ToyTask, Own = never> {
  /** The name lessons embed it by (widgets/registry.ts); its shared links use it too. */
  name: string;
  /** One settings schema: controls, validation, clamping and links all read it. */
  schema: S;
  /** Which settings need new data, which a new model, and which apply while training. */
  dataKeys: readonly SettingKey<S>[];
  modelKeys: readonly SettingKey<S>[];
  liveKeys: readonly SettingKey<S>[];
  /** How often it evaluates and reports (tiny data: every step a learner takes, a few times a second while playing). */
  tuning: SessionTuning;
  /** The backend to start on: the plain JavaScript one (the default) is fastest for tiny models; 'auto' picks wasm or WebGL for real ones. */
  backend?: BackendChoice;
  /** Lesson props → checked settings; defaults to the schema's own check. */
  settings?(raw: Record<string, unknown>): { settings: Values<S>; messages: string[] };
  /** The training task for these settings, from the learner's own data when there is some. */
  task(settings: Values<S>, own: Own | null): T;
  model(settings: Values<S>): ModelSpec;
  hyper(settings: Values<S>): Hyperparams;
  /** The training settings a live change sends (default: the changed key alone). */
  liveChange?(key: SettingKey<S>, settings: Values<S>): Partial<Hyperparams>;
  /** Runnable TensorFlow.js for these settings, for "Show me the code". */
  code(settings: Values<S>, task: T): string;
  /** The same code as a code cell on the task's data ("Open as a cell"). */
  cell?(settings: Values<S>, task: T): TrainerCell;
  /** The settings that build `spec` (a saved or uploaded model), or null when these settings cannot describe it. */
  settingsFromSpec?(spec: ModelSpec): Partial<Values<S>> | null;
  /** Figures the lesson's exercise checks may name, beyond the settings and the latest losses (`latest`: the evaluation being checked). */
  figures?(settings: Values<S>, latest?: Evaluation | null): Record<string, number | string | boolean | undefined>;
}

/** Lesson props → settings by the definition's own rule, or the schema's check plus defaults. */
export function initialSettings<S extends Schema>(
  definition: Pick<ToyTrainerDefinition<S, ToyTask, unknown>, 'schema' | 'settings'>,
  raw: Record<string, unknown>,
): { settings: Values<S>; messages: string[] } {
  if (definition.settings) return definition.settings(raw);
  const { values, messages } = checkValues(definition.schema, raw);
  return { settings: { ...defaults(definition.schema), ...values }, messages };
}
