import { EvaluationSchedule } from './evaluation';
import type { Evaluation, ValidationEvaluator } from './trainingTypes';

/**
 * Evaluations on another thread while training goes on: the session copies the weights between
 * two steps, a `ValidationEvaluator` (another worker) runs the validation pass on the copy, and
 * the session picks the figures up between two later steps, reported under the step they were
 * taken at. One at a time.
 *
 * Training never waits for them, except for the run's final evaluation. In line, a pass over the
 * 2,000 held-out digits paused the digit CNN's training for about 80 ms, and evaluations were
 * spaced about 1.5 s apart to keep that within 5 % of the time. The evaluating thread does not
 * have a core to itself on a 2-core machine: it shares them with the page, the browser's
 * compositor and training, and at a third of its time it made the page's frames visibly less
 * even there. At a quarter (about two evaluations a second) the learner sees lesson 1 pass 97 %
 * sooner than at a tenth (one a second, so the crossing waited up to an epoch to be shown):
 * alternating runs in the page, median 3.29 against 4.19 s.
 */
const DUTY = 1 / 4;
/** Evaluations per epoch at most, as a multiple of the in-line ones. */
const MORE_OFTEN = 2;

interface InFlight {
  evaluation: Evaluation;
  weights: Float32Array[];
  settled: boolean;
  result?: Awaited<ReturnType<ValidationEvaluator['evaluate']>>;
  done: Promise<void>;
}

export class BackgroundEvaluations {
  readonly schedule: EvaluationSchedule;
  #evaluator: ValidationEvaluator | null;
  #withPredictions: boolean;
  #inFlight: InFlight | null = null;
  #now: () => number;

  constructor(evaluator: ValidationEvaluator, perEpoch: number, withPredictions: boolean, now: () => number = () => performance.now()) {
    this.#evaluator = evaluator;
    this.#now = now;
    this.#withPredictions = withPredictions;
    this.schedule = new EvaluationSchedule(perEpoch * MORE_OFTEN, 0, DUTY);
  }

  /** False once the evaluator has failed: the session evaluates in line from then on. */
  get active(): boolean {
    return this.#evaluator !== null;
  }

  /** Enough steps since the last one, within the thread's share of time, and none in flight. */
  due(stepsPerEpoch: number): boolean {
    return this.active && !this.#inFlight && this.schedule.stepsDue(stepsPerEpoch) && this.schedule.timeDue(false, this.#now());
  }

  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** Starts evaluating `weights`; `evaluation` (step, epoch, training figures) gets the validation figures. */
  launch(evaluation: Evaluation, weights: Float32Array[]): void {
    const evaluator = this.#evaluator;
    if (!evaluator || this.#inFlight) throw new Error('No background evaluation can start now.');
    this.schedule.started(this.#now());
    const entry: InFlight = { evaluation, weights, settled: false, done: Promise.resolve() };
    entry.done = evaluator
      .evaluate(weights, this.#withPredictions)
      .then(
        (result) => void (entry.result = result),
        () => undefined,
      )
      .finally(() => {
        entry.settled = true;
        // Its own pass time, not the wait: the first answer also waited for the worker to start
        // (2–3 s in WebKit), which spaced the next evaluations 7–9 s apart.
        this.schedule.finished(this.#now(), entry.result?.durationMs);
      });
    this.#inFlight = entry;
  }

  /**
   * The evaluation in flight once it has finished (waiting for it when `wait`), with its figures
   * and the weights it measured; null when there is none yet, or it failed (the evaluator is then
   * dropped, and the session goes on evaluating in line).
   */
  async take(wait: boolean): Promise<{ evaluation: Evaluation; weights: Float32Array[] } | null> {
    const entry = this.#inFlight;
    if (!entry || (!entry.settled && !wait)) return null;
    const start = this.#now();
    await entry.done;
    if (this.#inFlight !== entry) return null; // dropped while waiting
    this.#inFlight = null;
    if (!entry.result) {
      this.release();
      return null;
    }
    const { loss, accuracy, predictions, durationMs } = entry.result;
    const { evaluation } = entry;
    Object.assign(evaluation, { valLoss: loss, valAccuracy: accuracy, offThreadMs: durationMs, durationMs: (evaluation.durationMs ?? 0) + this.#now() - start });
    if (predictions) evaluation.predictions = predictions;
    return { evaluation, weights: entry.weights };
  }

  /** Forgets the evaluation in flight (the weights changed under it: a reset, a restore); its result is dropped. */
  drop(): void {
    this.#inFlight = null;
  }

  /** Done with the evaluator (the session is disposed, or the evaluator failed). */
  release(): void {
    this.drop();
    this.#evaluator?.release?.();
    this.#evaluator = null;
  }
}
