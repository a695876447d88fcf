import type { TrainerState } from '../trainer/TrainerState.svelte';
import { DigitTrainer, type DigitTrainerOptions } from './DigitTrainer.svelte';
import { throttleLatest, type ThrottledTask } from '../trainer/throttleLatest';
import { confusionMatrix, perClassAccuracy, predictedClasses, type ClassAccuracy, type ClassProbabilities } from '../../ml/errorAnalysis';
import type { BackendChoice } from '../../worker/protocol';

/** Where the model stands on the validation set, at one moment of training. */
export interface Analysis {
  set: ClassProbabilities;
  predicted: Uint8Array;
  matrix: number[][];
  classes: ClassAccuracy[];
  accuracy: number;
  /** The training step the model had reached. */
  step: number;
}

/** At most one analysis a second while training: each one asks the model about 2,000 digits. */
const REFRESH_MS = 1000;

/**
 * Lesson 10's trainer: the digit classifier on the digit-trainer kit, plus the validation set's
 * probabilities re-read after every evaluation, from which the confusion matrix, per-class
 * accuracy and top losses are computed in the page (errorAnalysis.ts).
 */
export class ErrorAnalysisState {
  readonly kit: DigitTrainer;
  readonly trainer: TrainerState;
  #analysis = $state.raw<Analysis | null>(null);
  #analysisError = $state<string | null>(null);
  #images = $state.raw<Uint8Array | null>(null);
  #refresh: ThrottledTask;
  #unsubscribe: () => void;

  constructor(options: Omit<DigitTrainerOptions, 'runLabel'> & { refreshMs?: number }) {
    this.kit = new DigitTrainer({ ...options, runLabel: () => 'Small CNN' });
    this.trainer = this.kit.trainer;
    this.#refresh = throttleLatest(() => this.#analyse(), options.refreshMs ?? REFRESH_MS);
    this.#unsubscribe = this.trainer.progress.onEvaluation((evaluation) => {
      // The run's last evaluation is analysed at once, so the finished run shows its final
      // figures from the moment it says it finished, not up to a second later.
      const last = evaluation.endOfEpoch && evaluation.epoch >= this.trainer.progress.epochTarget(this.trainer.hyper?.epochs ?? Infinity);
      if (last) this.#refresh.now();
      else this.#refresh.request();
    });
  }

  /** The latest analysis (null before the first evaluation). */
  get analysis(): Analysis | null {
    return this.#analysis;
  }

  /** The run has finished but its analysis is of earlier weights (the final one is on its way). */
  get awaitingFinal(): boolean {
    return this.trainer.status === 'done' && this.#analysis !== null && this.#analysis.step !== this.trainer.progress.step && this.#analysisError === null;
  }

  /** Why the last analysis failed, in the worker's words (null when it did not): the page says so and offers `retryAnalysis`. */
  get analysisError(): string | null {
    return this.#analysisError;
  }

  /** Reads the model's answers again at once (after a failed analysis). */
  retryAnalysis(): void {
    this.#analysisError = null;
    this.#refresh.now();
  }

  /** The validation digits as bytes (784 each), in the analysis's order. */
  get images(): Uint8Array | null {
    return this.#images;
  }

  async start(backend: BackendChoice): Promise<void> {
    this.#analysis = null;
    this.#analysisError = null;
    await this.kit.start(backend);
    await this.#loadImages();
  }

  /** After a failure: the kit switches the engine under the model built, or starts afresh. */
  async retry(backend: BackendChoice): Promise<void> {
    await this.kit.retry(backend);
    await this.#loadImages();
  }

  async #loadImages(): Promise<void> {
    if (this.#images || this.trainer.status !== 'ready') return;
    try {
      this.#images = (await this.trainer.ask.validationImages(Number.MAX_SAFE_INTEGER)).pixels;
    } catch (error) {
      this.trainer.reportError(error);
    }
  }

  /** Starts the run again from fresh weights; the analysis waits for its first evaluation. */
  async reset(): Promise<void> {
    this.#refresh.cancel();
    await this.trainer.reset();
    this.#analysis = null;
    this.#analysisError = null;
  }

  dispose(): void {
    this.#refresh.cancel();
    this.#unsubscribe();
    this.kit.dispose();
  }

  async #analyse(): Promise<void> {
    const step = this.trainer.progress.step;
    const run = this.trainer.progress.runId;
    try {
      const set = await this.trainer.ask.validationProbabilities();
      if (run !== this.trainer.progress.runId) return; // a reset came first: its own evaluations ask again
      const predicted = predictedClasses(set.probabilities, set.count, set.classes);
      const matrix = confusionMatrix(set.labels, predicted, set.classes);
      const correct = matrix.reduce((sum, row, i) => sum + row[i], 0);
      this.#analysis = { set, predicted, matrix, classes: perClassAccuracy(matrix), accuracy: correct / set.count, step };
      this.#analysisError = null;
    } catch (error) {
      // A reset raced the request, or the widget closed: nothing to say. Anything else is shown
      // with a way to try again, never left as "reading…" (nothing waits silently).
      if (!this.trainer.connected || run !== this.trainer.progress.runId) return;
      this.#analysisError = error instanceof Error ? error.message : String(error);
    }
  }
}
