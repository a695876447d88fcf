import { untrack } from 'svelte';
import { TrainerState } from './TrainerState.svelte';
import { ExerciseTracker, type WidgetExercise } from './ExerciseTracker.svelte';
import { throttleLatest, type ThrottledTask } from './throttleLatest';
import { keepLinkInStep, linkedSettings, settingsLink } from './sharedSettings';
import { initialSettings, workerTask, type SettingKey, type ToyTask, type ToyTrainerDefinition } from '../../ml/toyTrainer';
import type { Schema, Values } from '../../ml/schema';
import type { ModelSpec } from '../../ml/modelSpec';
import type { TrainerCell } from '../../ml/codegen';
import type { Evaluation } from '../../ml/trainingTypes';
import type { TrainingClient } from '../../worker/TrainingClient';

/** What a lesson passes a toy trainer widget: starting settings, plus its exercises. */
export interface ToyWidgetProps {
  onexercise?: (exerciseId: string) => void;
  /** The lesson's self-checking exercises for this widget (targets from its frontmatter). */
  exercises?: unknown;
  /** Starting values of any setting of the widget's schema. */
  [setting: string]: unknown;
}

/** A widget's trainer from its definition and the props the lesson gave it (read once, at the start). */
export function toyTrainerFor<S extends Schema, T extends ToyTask, Own>(definition: ToyTrainerDefinition<S, T, Own>, props: () => ToyWidgetProps): ToyTrainer<S, T, Own> {
  const { onexercise: _, exercises, ...settings } = untrack(() => ({ ...props() }));
  const toy: ToyTrainer<S, T, Own> = new ToyTrainer(definition, {
    props: settings,
    exercises,
    onexercise: () => props().onexercise,
    link: location.hash,
    onsettings: () => keepLinkInStep(definition.name, (at) => toy.link(at)),
  });
  return toy;
}

export interface ToyTrainerOptions {
  /** The lesson's props: starting values of any setting of the definition's schema. */
  props: Record<string, unknown>;
  /** The lesson's self-checking exercises for this widget. */
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  createClient?: () => TrainingClient;
  /** The page's hash: settings shared by link (`#/lesson/…?curve-fitter.units=4`) override the lesson's. */
  link?: string;
  /** Told after the learner changed the settings shown (the page keeps its address's link in step). */
  onsettings?: () => void;
}

/** Asks whether a drawing started now still belongs to the current model and data. */
export type StillCurrent = () => boolean;

/**
 * One toy trainer (lines, curves, 2-D classification, …) made from its definition: the settings
 * and what each change rebuilds, the task, the worker, the exercise checks and the throttled
 * redraw after every visible model update. Views only draw what it holds and call `change`.
 */
export class ToyTrainer<S extends Schema, T extends ToyTask, Own = never> {
  readonly trainer: TrainerState;
  /** A page-unique prefix for the controls' ids. */
  readonly id: string;
  readonly definition: ToyTrainerDefinition<S, T, Own>;

  #settings = $state.raw<Values<S>>() as Values<S>;
  #applied = $state.raw<Values<S>>() as Values<S>;
  #notes = $state.raw<string[]>([]);
  #task = $state.raw<T>() as T;
  #own = $state.raw<Own | null>(null);
  #exercises: ExerciseTracker;
  #redraws: ThrottledTask[] = [];
  #lessonProps: Record<string, unknown>;
  #onsettings: () => void;

  constructor(definition: ToyTrainerDefinition<S, T, Own>, options: ToyTrainerOptions) {
    this.definition = definition;
    this.id = `toy-${Math.random().toString(36).slice(2, 8)}`;
    this.trainer = new TrainerState({ createClient: options.createClient });
    this.#lessonProps = options.props;
    this.#onsettings = options.onsettings ?? (() => undefined);
    const lesson = initialSettings(definition, options.props);
    const linked = options.link ? linkedSettings(definition.name, definition.schema, options.link) : null;
    const initial = linked ? initialSettings(definition, { ...lesson.settings, ...linked.values }) : lesson;
    this.#settings = initial.settings;
    this.#applied = initial.settings;
    this.#notes = [...lesson.messages, ...(linked?.messages ?? []), ...(linked ? initial.messages : [])];
    this.#task = definition.task(initial.settings, null);
    this.#exercises = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
    // Each new evaluation is checked against the settings its model was built from.
    this.trainer.progress.onEvaluation((evaluation) => this.#exercises.update(this.figures(evaluation)));
  }

  /** The settings as the learner set them (the controls show these). */
  get settings(): Values<S> {
    return this.#settings;
  }

  /** What the current model and data were built from: exercise checks trust only these. */
  get applied(): Values<S> {
    return this.#applied;
  }

  /** Messages about the settings: clamped values, rejected input, failed rebuilds. */
  get notes(): string[] {
    return this.#notes;
  }

  get task(): T {
    return this.#task;
  }

  /** The learner's own data, once they gave some. */
  get own(): Own | null {
    return this.#own;
  }

  get latest(): Evaluation | null {
    return this.trainer.progress.latestEvaluation;
  }

  /** No controls while the engine starts or after it failed. */
  get unavailable(): boolean {
    return this.trainer.busy || this.trainer.status === 'error';
  }

  get exercisesDone(): WidgetExercise[] {
    return this.#exercises.done;
  }

  /** A link to this lesson that opens this widget with the settings shown (those differing from the lesson's). */
  link(location: { origin: string; pathname: string; hash: string }): string {
    return settingsLink(location, this.definition.name, this.definition.schema, this.#settings, initialSettings(this.definition, this.#lessonProps).settings);
  }

  /** "Show me the code" for the settings shown. */
  get code(): string {
    return this.definition.code(this.#settings, this.#task);
  }

  /** "Open as a cell": the code for the settings shown, on the data they make (or, while those make none, the trainer's). */
  cell(): TrainerCell | null {
    if (!this.definition.cell) return null;
    let task = this.#task;
    try {
      task = this.definition.task(this.#settings, this.#own);
    } catch {
      // Settings that make no data (too few points): the data the trainer has.
    }
    return this.definition.cell(this.#settings, task);
  }

  /** Everything an exercise check can name: the applied settings, the widget's figures and the latest losses. */
  figures(latest: Evaluation | null = this.latest): Record<string, number | string | boolean | undefined> {
    const applied = this.#applied;
    return {
      ...applied,
      ...this.definition.figures?.(applied, latest),
      valLoss: latest?.valLoss,
      trainLoss: latest?.trainLoss,
      valAccuracy: latest?.valAccuracy,
      trainAccuracy: latest?.trainAccuracy,
      step: this.trainer.progress.step,
    };
  }

  /** Starts the worker on the definition's backend; by default the plain JavaScript one, as tiny models train fastest without WebGL or wasm. */
  start(): void {
    const s = this.#settings;
    void this.trainer.start(this.definition.backend ?? 'cpu', workerTask(this.#task), this.definition.model(s), this.definition.hyper(s), this.definition.tuning);
  }

  dispose(): void {
    for (const redraw of this.#redraws) redraw.cancel();
    this.trainer.dispose();
  }

  /** A control changed: new data, a new model, or a live change, as the definition says. */
  change(key: string, value: number | string | boolean): void {
    const k = key as SettingKey<S>;
    this.#show({ ...this.#settings, [k]: value });
    const { dataKeys, modelKeys, liveKeys } = this.definition;
    if (dataKeys.includes(k)) this.#enqueue(() => this.#rebuild(true));
    else if (modelKeys.includes(k)) this.#enqueue(() => this.#rebuild(false));
    else if (liveKeys.includes(k)) {
      const values = this.definition.liveChange?.(k, this.#settings) ?? { [k]: value };
      // changeSettings waits its turn behind any rebuild already queued.
      void this.trainer.changeSettings(values).then((notes) => {
        this.#notes = notes;
        this.#applied = { ...this.#applied, [k]: value };
      });
    } else {
      // Display-only settings (show hidden units, show test points) rebuild nothing.
      this.#applied = { ...this.#applied, [k]: value };
    }
  }

  /** The learner's own data: train on it from now on (with `settings`, e.g. the dataset switched to it). */
  useOwnData(own: Own, settings: Partial<Values<S>> = {}): void {
    this.#own = own;
    this.#show({ ...this.#settings, ...settings });
    this.#enqueue(() => this.#rebuild(true));
  }

  /**
   * The trainer now runs a saved or uploaded model: the settings follow its architecture where
   * they can describe it (else they stay, with a note). Nothing is rebuilt: the worker has it.
   */
  adoptModel(spec: ModelSpec): void {
    const settings = this.definition.settingsFromSpec?.(spec);
    if (!settings) {
      this.#notes = ['The loaded model’s layers cannot be shown with these settings; changing a network setting builds a new model.'];
      return;
    }
    this.#show({ ...this.#settings, ...settings });
    this.#applied = { ...this.#applied, ...settings };
  }

  /** Back to the lesson's starting settings (and its data), keeping the learner's own data for later. */
  resetSettings(): void {
    const initial = initialSettings(this.definition, this.#lessonProps);
    this.#show(initial.settings);
    this.#notes = initial.messages;
    this.#enqueue(() => this.#rebuild(true));
  }

  /**
   * Calls `draw` after every visible update of the model (the trainer coalesces them), at most
   * once per `intervalMs`, and again when `watch` reads something new. `draw` gets a check that
   * says whether the model and data it started with are still the current ones. Call it while
   * the view initialises (it registers an effect).
   */
  redrawOnUpdate(draw: (stillCurrent: StillCurrent) => Promise<void>, intervalMs: number, watch: () => unknown = () => undefined): void {
    const redraw = throttleLatest(async () => {
      const task = this.#task;
      const runId = this.trainer.progress.runId;
      try {
        await draw(() => task === this.#task && runId === this.trainer.progress.runId);
      } catch {
        // A model being rebuilt cannot answer; the next update draws again.
      }
    }, intervalMs);
    this.#redraws.push(redraw);
    $effect(() => {
      void this.trainer.progress.weightsVersion;
      void this.trainer.progress.runId;
      void this.#task;
      watch();
      if (!this.unavailable && this.trainer.summary) redraw.request();
    });
  }

  /** The settings the controls show from now on. */
  #show(settings: Values<S>): void {
    this.#settings = settings;
    this.#onsettings();
  }

  #enqueue(job: () => Promise<void>): void {
    this.trainer.enqueue(job).catch((error: unknown) => {
      this.#notes = [error instanceof Error ? error.message : String(error)];
    });
  }

  /** New data and/or a fresh model; keeps playing if it was. */
  async #rebuild(newData: boolean): Promise<void> {
    const s = this.#settings;
    const next = newData ? this.definition.task(s, this.#own) : null;
    await this.trainer.rebuild(this.definition.model(s), this.definition.hyper(s), next ? workerTask(next) : undefined);
    if (next) this.#task = next;
    this.#applied = s;
  }
}
