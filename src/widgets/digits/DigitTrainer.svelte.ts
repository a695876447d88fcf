// The digit-trainer kit, beside the toy-trainer kit (../trainer/ToyTrainer.svelte.ts): what every
// widget that trains a model on the MNIST digits shares. The training worker on the digits
// (TrainerState), the model, the starting settings (the lesson's, checked, then a shared link's),
// live setting changes and what they needed correcting, the engine choice and the way back from a
// failed start, and the lesson's self-checking exercises. A digit widget is a view over one of
// these plus what is its own (a gallery, a confusion matrix, feature maps).
import { DIGITS_TUNING } from '../../ml/mnist';
import type { Hyperparams } from '../../ml/hyperparams';
import type { ModelSpec } from '../../ml/modelSpec';
import type { BackendChoice, SessionTuning, TaskSpec } from '../../ml/trainingTypes';
import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { TrainerState, type TrainerOptions } from '../trainer/TrainerState.svelte';
import { servedDigits } from './servedDigits';

export interface DigitTrainerOptions extends Pick<TrainerOptions, 'createClient' | 'runLabel'> {
  /** The model to start with. */
  spec: ModelSpec;
  /** The starting settings, already checked: the lesson's, overridden by a shared link's. */
  hyper: Hyperparams;
  /** What the lesson's or the link's settings needed correcting, shown until a setting changes. */
  messages?: readonly string[];
  /** How runs are measured (DIGITS_TUNING unless the widget needs more, e.g. predictions). */
  tuning?: SessionTuning;
  /** The lesson's exercises for this widget and where to report one met (see ExerciseTracker). */
  exercises?: unknown;
  onexercise?: () => ((exerciseId: string) => void) | undefined;
  /** Where the digits come from (the app serves them; tests pass their own). */
  task?: () => TaskSpec;
}

export class DigitTrainer {
  readonly trainer: TrainerState;
  readonly exercises: ExerciseTracker;
  /** The settings the widget started with, in force until the engine holds its own. */
  readonly #startHyper: Hyperparams;
  #spec = $state.raw<ModelSpec>({ layers: [] });
  #backend = $state<BackendChoice>('auto');
  #messages = $state.raw<string[]>([]);
  readonly #tuning: SessionTuning;
  readonly #task: () => TaskSpec;

  constructor(options: DigitTrainerOptions) {
    this.trainer = new TrainerState({ createClient: options.createClient, runLabel: options.runLabel });
    this.exercises = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
    this.#startHyper = options.hyper;
    this.#spec = options.spec;
    this.#messages = (options.messages ?? []).filter((message, i, all) => all.indexOf(message) === i);
    this.#tuning = options.tuning ?? DIGITS_TUNING;
    this.#task = options.task ?? servedDigits;
  }

  get spec(): ModelSpec {
    return this.#spec;
  }

  get backendChoice(): BackendChoice {
    return this.#backend;
  }

  /** What the last setting change (or, at first, the lesson's and the link's settings) needed correcting. */
  get settingMessages(): readonly string[] {
    return this.#messages;
  }

  /** The settings in force: the trainer's once it has them, else the starting ones. */
  get hyper(): Hyperparams {
    return this.trainer.hyper ?? this.#startHyper;
  }

  /** A model is built and nothing is in the way of asking it something (filters, feature maps). */
  get ready(): boolean {
    return !this.trainer.busy && this.trainer.status !== 'error' && this.trainer.summary !== null;
  }

  /** Starts the engine on the digits with the current model and settings. */
  async start(backend: BackendChoice = this.#backend): Promise<void> {
    this.#backend = backend;
    await this.trainer.start(backend, this.#task(), this.#spec, this.hyper, this.#tuning);
  }

  /** After a failure: switch the engine under the model built (keeping what it learnt), or start again. */
  async retry(backend: BackendChoice): Promise<void> {
    this.#backend = backend;
    if (this.trainer.status === 'error' && this.trainer.connected && this.trainer.summary) await this.trainer.switchBackend(backend);
    else await this.start(backend);
  }

  /** A setting changed in the controls, live; its messages replace the last ones. */
  async changeSetting(key: string, value: number | string | boolean): Promise<void> {
    this.#messages = await this.trainer.changeSettings({ [key]: value });
  }

  /**
   * A new model. In the settings queue: a setting changed while the model is rebuilt applies to the
   * new model, after it, instead of being lost under the settings the rebuild started with.
   */
  async applySpec(next: ModelSpec): Promise<void> {
    this.#spec = next;
    await this.trainer.enqueue(async () => {
      await this.trainer.pause();
      await this.trainer.configure(next, this.hyper);
    });
  }

  /** A model the worker already holds (loaded from the library or a file): only its description changes here. */
  modelLoaded(spec: ModelSpec): void {
    this.#spec = spec;
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
