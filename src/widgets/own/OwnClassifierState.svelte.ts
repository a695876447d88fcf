import { TrainerState } from '../trainer/TrainerState.svelte';
import { OWN_CLASSIFIER_HYPER, OWN_CLASSIFIER_SPEC, splitDrawings, trainingProblems, type DrawingClass, type OwnSplit } from '../../ml/ownClassifier';
import type { Hyperparams } from '../../ml/hyperparams';
import type { BackendChoice, SessionTuning } from '../../worker/protocol';
import type { TrainingClient } from '../../worker/TrainingClient';

/** A few dozen drawings: evaluate both parts fully, once an epoch and at most 4 times a second (the chart's x axis is the epoch). */
const TUNING: SessionTuning = { evaluateTrainingSet: true, evaluationsPerEpoch: 1, evaluationIntervalMs: 250, seed: 1234 };

/**
 * Lesson 11's trainer: checks the learner's drawings, splits them, and trains a fresh small CNN
 * with one output per class. It remembers which classes the model was trained on, so the pad
 * reads drawings with those names even while the learner adds more.
 */
export class OwnClassifierState {
  readonly trainer: TrainerState;
  #problems = $state.raw<string[]>([]);
  #trained = $state.raw<{ names: string[]; split: OwnSplit } | null>(null);
  #backend: BackendChoice;

  constructor(options: { createClient?: () => TrainingClient; backend?: BackendChoice } = {}) {
    this.trainer = new TrainerState({ createClient: options.createClient, runLabel: () => 'Your classifier' });
    this.#backend = options.backend ?? 'auto';
  }

  /** Why the last Train could not start (empty when it did). */
  get problems(): string[] {
    return this.#problems;
  }

  /** The class names and split of the model being trained (null before the first training). */
  get trained(): { names: string[]; split: OwnSplit } | null {
    return this.#trained;
  }

  /**
   * Trains a fresh model on these drawings, or says what is missing. The drawings are only read:
   * whatever goes wrong, the learner's collection is left as it was.
   */
  async train(classes: readonly DrawingClass[], hyper: Hyperparams = OWN_CLASSIFIER_HYPER): Promise<boolean> {
    const problems = trainingProblems(classes);
    const result = problems.length === 0 ? splitDrawings(classes) : null;
    if (!result || !result.ok) {
      this.#problems = result && !result.ok ? result.problems : problems;
      return false;
    }
    this.#problems = [];
    const { split } = result;
    if (this.trainer.connected && this.trainer.status !== 'error') {
      await this.trainer.rebuild(OWN_CLASSIFIER_SPEC, hyper, { kind: 'arrays', data: split.data });
    } else {
      await this.trainer.start(this.#backend, { kind: 'arrays', data: split.data }, OWN_CLASSIFIER_SPEC, hyper, TUNING);
    }
    if (this.trainer.message) return false;
    this.#trained = { names: classes.map((c) => c.name), split };
    await this.trainer.train();
    return !this.trainer.message;
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
