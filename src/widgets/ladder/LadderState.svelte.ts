import { TrainerState } from '../trainer/TrainerState.svelte';
import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { MNIST_PRESETS } from '../../ml/modelSpec';
import { TRAINING_SCHEMA } from '../../ml/hyperparams';
import { checkParam, defaults } from '../../ml/schema';
import { LADDER_RUNGS, LADDER_SCHEMA, largestLossGap, ladderSettings, type LadderRungName, type LadderSettings } from '../../ml/ladder/ladder';
import { settingsLink, startingSettings } from '../trainer/sharedSettings';
import type { TrainingClient } from '../../worker/TrainingClient';

/** Curves closer than this agree: float32 rounding differs between the rungs, the maths does not. */
export const AGREEMENT = 1e-4;

export interface RungResult {
  losses: number[];
  ms: number;
}

export interface LadderOptions {
  /** The lesson's props: starting values of LADDER_SCHEMA's settings. */
  props: Record<string, unknown>;
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  createClient?: () => TrainingClient;
  /** The page's hash: settings shared by link (`#/lesson/…?abstraction-ladder.steps=80`) override the lesson's. */
  link?: string;
}

const WIDGET = 'abstraction-ladder';

/**
 * Lesson 6's abstraction ladder: one worker with the digits loaded runs the three rungs on the
 * same batches from the same start, and the results are compared step by step.
 */
export class LadderState {
  readonly trainer: TrainerState;
  readonly notes: string[];
  #settings = $state.raw<LadderSettings>(defaults(LADDER_SCHEMA));
  #results = $state.raw<Partial<Record<LadderRungName, RungResult>>>({});
  #running = $state<LadderRungName | null>(null);
  #error = $state<string | null>(null);
  #exercises: ExerciseTracker;
  /** The lesson's settings: what a shared link is made against. */
  #lessonSettings: LadderSettings;

  constructor(options: LadderOptions) {
    const known = Object.fromEntries(Object.entries(options.props).filter(([k]) => Object.hasOwn(LADDER_SCHEMA, k)));
    const { settings, messages } = ladderSettings(known);
    const start = startingSettings(WIDGET, LADDER_SCHEMA, settings, options.link ?? '');
    this.#lessonSettings = settings;
    this.#settings = start.settings;
    this.notes = [...messages, ...start.messages];
    this.trainer = new TrainerState({ createClient: options.createClient });
    this.#exercises = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
  }

  get settings(): LadderSettings { return this.#settings; }
  get results(): Partial<Record<LadderRungName, RungResult>> { return this.#results; }
  /** The rung training now, if any. */
  get running(): LadderRungName | null { return this.#running; }
  /** Why the last rung could not run, in the learner's words (null when it ran). */
  get error(): string | null { return this.#error; }
  get ready(): boolean { return this.trainer.status === 'ready' && this.#running === null; }
  get exercisesDone() { return this.#exercises.done; }

  /** The largest difference between the rungs' losses at any step, once all three have run; else null. */
  get gap(): number | null {
    const curves = [...LADDER_RUNGS.keys()].map((name) => this.#results[name]?.losses);
    return curves.every((c) => c !== undefined) ? largestLossGap(curves as number[][]) : null;
  }

  get agree(): boolean {
    const gap = this.gap;
    return gap !== null && gap < AGREEMENT;
  }

  /** A link to this lesson that opens the ladder with the settings shown. */
  link(location: { origin: string; pathname: string; hash: string }): string {
    return settingsLink(location, WIDGET, LADDER_SCHEMA, this.#settings, this.#lessonSettings);
  }

  /** Starts the worker on the digits (the session's linear model sits unused: each rung builds its own). */
  async start(dataUrl: string): Promise<void> {
    await this.trainer.start('auto', { kind: 'mnist', url: dataUrl }, MNIST_PRESETS.linear, defaults(TRAINING_SCHEMA));
  }

  /** A checked setting; results made with the old settings no longer compare, so they are cleared. */
  change(key: string, value: unknown): void {
    if (!Object.hasOwn(LADDER_SCHEMA, key)) return;
    const checked = checkParam(LADDER_SCHEMA[key as keyof LadderSettings], value);
    if (checked.value === this.#settings[key as keyof LadderSettings]) return;
    this.#settings = { ...this.#settings, [key]: checked.value };
    this.#results = {};
    this.#error = null;
  }

  /** Trains with one rung on the current settings. */
  async run(rung: LadderRungName): Promise<void> {
    if (!this.ready) return;
    this.#running = rung;
    const settings = this.#settings;
    try {
      const reply = await this.trainer.ask.runLadderRung(rung, settings);
      if (settings !== this.#settings) return; // changed meanwhile: the answer belongs to old settings
      this.#results = { ...this.#results, [rung]: { losses: reply.losses, ms: reply.ms } };
      this.#error = null;
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#running = null;
    }
    this.#exercises.update(this.figures);
  }

  /** All three rungs, one after another. */
  async runAll(): Promise<void> {
    for (const rung of LADDER_RUNGS.keys()) {
      await this.run(rung);
      if (this.#error) return;
    }
  }

  get figures(): Record<string, number | boolean | null> {
    return {
      ...this.#settings,
      rungsRun: Object.keys(this.#results).length,
      maxLossGap: this.gap,
      rungsAgree: this.agree,
    };
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
