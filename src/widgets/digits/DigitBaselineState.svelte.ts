import { DIGITS_TUNING } from '../../ml/mnist';
import { TrainerState } from '../trainer/TrainerState.svelte';
import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { MNIST_PRESETS } from '../../ml/modelSpec';
import { lessonHyperparams, type Hyperparams } from '../../ml/hyperparams';
import type { Evaluation } from '../../ml/trainingTypes';
import type { Calls } from '../../worker/protocol';
import type { TrainingClient } from '../../worker/TrainingClient';

/** The two networks lesson 6 sets against the baseline, by the MNIST preset they use. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a constant table, never changed
export const BASELINE_MODELS = new Map([
  ['linear', 'Linear (no hidden layer)'],
  ['mlp', 'MLP (one hidden layer of 128)'],
] as const);
export type BaselineModel = typeof BASELINE_MODELS extends ReadonlyMap<infer K, string> ? K : never;

/** The training settings a lesson may start the widget with. */

export interface DigitBaselineOptions {
  /** The lesson's props: the model to start with and any training setting (epochs default to 2). */
  props: Record<string, unknown>;
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  createClient?: () => TrainingClient;
}

/**
 * Lesson 6's first widget: the nearest-average baseline (computed in the worker, where the
 * digits are), then a linear model and an MLP trained on the same 8,000 / 2,000 split, each
 * run's validation accuracy kept so the three can be drawn together.
 */
export class DigitBaselineState {
  readonly trainer: TrainerState;
  readonly lessonHyper: Hyperparams;
  /** Messages about lesson props that were out of range or unknown. */
  readonly notes: string[];
  #model = $state<BaselineModel>('linear');
  #baseline = $state.raw<Calls['pixelBaseline']['reply'] | null>(null);
  #exercises: ExerciseTracker;

  constructor(options: DigitBaselineOptions) {
    const props = options.props;
    const { hyper, messages } = lessonHyperparams(props, { epochs: 2 });
    this.lessonHyper = hyper;
    this.notes = messages;
    if (typeof props.model === 'string' && BASELINE_MODELS.has(props.model as BaselineModel)) this.#model = props.model as BaselineModel;
    this.trainer = new TrainerState({ createClient: options.createClient, runLabel: () => this.#model });
    this.#exercises = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
    this.trainer.progress.onEvaluation(() => this.#exercises.update(this.figures));
  }

  get model(): BaselineModel { return this.#model; }
  get baseline(): Calls['pixelBaseline']['reply'] | null { return this.#baseline; }
  /** The baseline to beat: the nearest average by root mean squared difference (the better distance here). */
  get baselineAccuracy(): number | null { return this.#baseline?.accuracy.rootMeanSquare ?? null; }
  get exercisesDone() { return this.#exercises.done; }
  get hyper(): Hyperparams { return this.trainer.hyper ?? this.lessonHyper; }

  /** Starts the worker on the digits, builds the model, and computes the baseline there. */
  async start(dataUrl: string): Promise<void> {
    await this.trainer.start('auto', { kind: 'mnist', url: dataUrl }, MNIST_PRESETS[this.#model], this.lessonHyper, DIGITS_TUNING);
    if (this.trainer.status !== 'ready') return;
    try {
      this.#baseline = await this.trainer.ask.pixelBaseline();
      this.#exercises.update(this.figures);
    } catch (error) {
      this.trainer.reportError(error);
    }
  }

  /** Switches between the linear model and the MLP: a fresh model; the other's last run stays on the chart. */
  async chooseModel(name: string): Promise<void> {
    if (!BASELINE_MODELS.has(name as BaselineModel) || name === this.#model) return;
    await this.trainer.pause();
    this.#model = name as BaselineModel;
    await this.trainer.configure(MNIST_PRESETS[this.#model], this.hyper);
  }

  /** The validation accuracy of the model's latest run (the current one, or its last archived run). */
  curve(name: BaselineModel): Evaluation[] {
    const progress = this.trainer.progress;
    if (name === this.#model && progress.evaluations.length > 0) return progress.evaluations;
    return progress.runs.findLast((run) => run.label === name)?.evaluations ?? [];
  }

  /** The best validation accuracy of the model's latest run, or null before it has one. */
  bestAccuracy(name: BaselineModel): number | null {
    const accuracies = this.curve(name).map((e) => e.valAccuracy).filter((a): a is number => a !== undefined);
    return accuracies.length > 0 ? Math.max(...accuracies) : null;
  }

  /** How many percentage points the model's best beats the baseline by (negative: it is behind). */
  gainPoints(name: BaselineModel): number | null {
    const best = this.bestAccuracy(name);
    const baseline = this.baselineAccuracy;
    return best === null || baseline === null ? null : (best - baseline) * 100;
  }

  /** What the lesson's exercise checks may read. */
  get figures(): Record<string, number | string | null> {
    return {
      model: this.#model,
      baselineAccuracy: this.baselineAccuracy,
      linearAccuracy: this.bestAccuracy('linear'),
      mlpAccuracy: this.bestAccuracy('mlp'),
      linearGainPoints: this.gainPoints('linear'),
      mlpGainPoints: this.gainPoints('mlp'),
    };
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
