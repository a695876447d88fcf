import type { TrainerState } from '../trainer/TrainerState.svelte';
import { DigitTrainer } from './DigitTrainer.svelte';
import { MNIST_PRESETS } from '../../ml/modelSpec';
import { lessonHyperparams, type Hyperparams } from '../../ml/hyperparams';
import { valuesOf, type Values } from '../../ml/schema';
import { settingsLink, startingSettings } from '../trainer/sharedSettings';
import { BASELINE_MODELS, DIGIT_BASELINE_LINK_SCHEMA, type BaselineModel } from './digitLinkSchemas';
import type { Evaluation, TaskSpec } from '../../ml/trainingTypes';
import type { Calls } from '../../worker/protocol';
import type { TrainingClient } from '../../worker/TrainingClient';

export { BASELINE_MODELS, type BaselineModel };

export interface DigitBaselineOptions {
  /** The lesson's props: the model to start with and any training setting (epochs default to 2). */
  props: Record<string, unknown>;
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  createClient?: () => TrainingClient;
  /** The page's hash: settings shared by link (`#/lesson/…?digit-baseline.model=mlp`) override the lesson's. */
  link?: string;
  /** Where the digits come from (the app serves them; tests pass their own). */
  task?: () => TaskSpec;
}

const WIDGET = 'digit-baseline';

/**
 * Lesson 6's first widget, on the digit-trainer kit: the nearest-average baseline (computed in
 * the worker, where the digits are), then a linear model and an MLP trained on the same 8,000 /
 * 2,000 split, each run's validation accuracy kept so the three can be drawn together.
 */
export class DigitBaselineState {
  readonly kit: DigitTrainer;
  readonly trainer: TrainerState;
  readonly lessonHyper: Hyperparams;
  /** The lesson's model and settings: what a shared link is made against. */
  readonly #lessonLink: Values<typeof DIGIT_BASELINE_LINK_SCHEMA>;
  #model = $state<BaselineModel>('linear');
  #baseline = $state.raw<Calls['pixelBaseline']['reply'] | null>(null);

  constructor(options: DigitBaselineOptions) {
    const props = options.props;
    const lesson = lessonHyperparams(props, { epochs: 2 });
    const lessonModel: BaselineModel = typeof props.model === 'string' && BASELINE_MODELS.has(props.model as BaselineModel) ? (props.model as BaselineModel) : 'linear';
    this.#lessonLink = valuesOf(DIGIT_BASELINE_LINK_SCHEMA, { ...lesson.hyper, model: lessonModel });
    const start = startingSettings(WIDGET, DIGIT_BASELINE_LINK_SCHEMA, this.#lessonLink, options.link ?? '');
    const { model, ...linkedHyper } = start.settings;
    this.lessonHyper = { ...lesson.hyper, ...linkedHyper };
    this.#model = model;
    this.kit = new DigitTrainer({
      createClient: options.createClient,
      runLabel: () => this.#model,
      spec: MNIST_PRESETS[model],
      hyper: this.lessonHyper,
      messages: [...lesson.messages, ...start.messages],
      exercises: options.exercises,
      onexercise: options.onexercise,
      task: options.task,
    });
    this.trainer = this.kit.trainer;
    this.trainer.progress.onEvaluation(() => this.kit.exercises.update(this.figures));
  }

  get model(): BaselineModel { return this.#model; }
  get baseline(): Calls['pixelBaseline']['reply'] | null { return this.#baseline; }
  /** The baseline to beat: the nearest average by root mean squared difference (the better distance here). */
  get baselineAccuracy(): number | null { return this.#baseline?.accuracy.rootMeanSquare ?? null; }
  get exercisesDone() { return this.kit.exercises.done; }
  get hyper(): Hyperparams { return this.kit.hyper; }

  /** A link to this lesson that opens this widget with the model and settings shown. */
  link(location: { origin: string; pathname: string; hash: string }): string {
    return settingsLink(location, WIDGET, DIGIT_BASELINE_LINK_SCHEMA, valuesOf(DIGIT_BASELINE_LINK_SCHEMA, { ...this.hyper, model: this.#model }), this.#lessonLink);
  }

  /** Starts the worker on the digits, builds the model, and computes the baseline there. */
  async start(): Promise<void> {
    await this.kit.start('auto');
    if (this.trainer.status !== 'ready') return;
    try {
      this.#baseline = await this.trainer.ask.pixelBaseline();
      this.kit.exercises.update(this.figures);
    } catch (error) {
      this.trainer.reportError(error);
    }
  }

  /** Switches between the linear model and the MLP: a fresh model; the other's last run stays on the chart. */
  async chooseModel(name: string): Promise<void> {
    if (!BASELINE_MODELS.has(name as BaselineModel)) return;
    // In the trainer's queue, behind any setting changed just before, and reading the settings
    // only when its turn comes: otherwise a setting changed during the switch was overwritten.
    await this.trainer.enqueue(async () => {
      if (name === this.#model) return;
      await this.trainer.pause();
      this.#model = name as BaselineModel;
      await this.trainer.configure(MNIST_PRESETS[this.#model], this.hyper);
    });
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
    this.kit.dispose();
  }
}
