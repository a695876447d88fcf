import type { tfl } from './tf';
import { EvaluationSchedule, evaluateModel } from './evaluation';
import { BackgroundEvaluations } from './backgroundEvaluations';
import type { EpochOrder } from './examples';
import type { ReportBuffer } from './reportBuffer';
import type { Evaluation, SessionOptions, TrainingData } from './trainingTypes';

/** Where a session's run is: read afresh at each evaluation (a reset or a restore replaces the model). */
export interface RunPosition {
  model: tfl.LayersModel;
  step: number;
  epochsDone: number;
  order: EpochOrder;
  stepsPerEpoch: number;
}

type EvaluationSettings = { evaluateTrainingSet: boolean | number; reportPredictions: boolean };

/** An evaluation for the session to check and report; `weights` when it measured a copy (another thread). */
export interface Measured {
  evaluation: Evaluation;
  weights?: Float32Array[];
}

/**
 * When and where a `TrainingSession` evaluates: in line on a schedule (see EvaluationSchedule), or
 * on another thread while training goes on where it was given a `ValidationEvaluator` (see
 * backgroundEvaluations.ts). It measures; the session judges what it measured and reports it.
 */
export class SessionEvaluations {
  readonly schedule: EvaluationSchedule;
  #background: BackgroundEvaluations | null;
  #data: TrainingData;
  #options: EvaluationSettings;
  #reports: ReportBuffer;
  #where: () => RunPosition;
  #now: () => number;

  constructor(options: SessionOptions, settings: EvaluationSettings, reports: ReportBuffer, where: () => RunPosition) {
    this.#data = options.data;
    this.#options = settings;
    this.#reports = reports;
    this.#where = where;
    this.#now = options.now ?? (() => performance.now());
    this.schedule = new EvaluationSchedule(options.evaluationsPerEpoch ?? 4, options.evaluationIntervalMs ?? 0, options.evaluationBudget, options.evaluationSteps);
    const elsewhere = !settings.evaluateTrainingSet && options.data.validation ? options.validationEvaluator : undefined;
    this.#background = elsewhere ? new BackgroundEvaluations(elsewhere, this.schedule.perEpoch, settings.reportPredictions, this.#now) : null;
  }

  countStep(): void {
    this.schedule.countStep();
    this.#background?.schedule.countStep();
  }

  /** A step spacing (`evaluationSteps`) says the run should evaluate now: the session reads its losses back at once rather than at its next report. */
  get dueBySteps(): boolean {
    if (this.schedule.everySteps === 0) return false;
    const where = this.#where();
    return this.schedule.playDue(where.stepsPerEpoch, where.step);
  }

  /** Mid-epoch, between steps: a background evaluation that has finished, and the next one started (or one in line) when due. */
  async whenDue(): Promise<Measured[]> {
    const where = this.#where();
    const background = this.#background;
    const found: Measured[] = [];
    if (background?.active) {
      const arrived = await background.take(false);
      if (arrived) found.push(arrived);
      if (!where.order.done && background.due(where.stepsPerEpoch)) this.#launch(false);
      if (background.active) return found;
    }
    if (!where.order.done && this.schedule.playDue(where.stepsPerEpoch, where.step) && this.schedule.timeDue(false, this.#now())) found.push(await this.inLine(false));
    return found;
  }

  /** At an epoch's end: in the background if it is free (the run's final evaluation is waited for), else in line when due. */
  async atEpochEnd(final: boolean): Promise<Measured[]> {
    const background = this.#background;
    const found: Measured[] = [];
    if (background?.active) {
      const arrived = await background.take(final);
      if (arrived) found.push(arrived);
      if (background.active && !background.busy) {
        this.#launch(true);
        if (!final) return found;
        const last = await background.take(true);
        if (last) return [...found, last];
      } else if (background.active) return found;
    }
    const where = this.#where();
    if (this.schedule.epochEndDue(final, where.stepsPerEpoch, where.step, this.#now())) found.push(await this.inLine(true));
    return found;
  }

  /** The background evaluation in flight, waited for (a pause reports the figures it was measuring). */
  async inFlight(): Promise<Measured[]> {
    const arrived = await this.#background?.take(true);
    return arrived ? [arrived] : [];
  }

  /** Evaluates the model as it is now, in this thread. */
  async inLine(endOfEpoch: boolean): Promise<Measured> {
    this.schedule.started(this.#now());
    const evaluation = this.#newEvaluation(endOfEpoch);
    Object.assign(evaluation, await evaluateModel(this.#where().model, this.#data, this.#options));
    evaluation.durationMs = this.schedule.finished(this.#now());
    return { evaluation };
  }

  /** Forgets a background evaluation in flight: the weights changed under it (a reset, a restore). */
  drop(): void {
    this.#background?.drop();
  }

  release(): void {
    this.#background?.release();
  }

  /** Starts a background evaluation of a copy of the weights as they are now. */
  #launch(endOfEpoch: boolean): void {
    const start = this.#now();
    const evaluation = this.#newEvaluation(endOfEpoch);
    const weights = this.#where().model.getWeights().map((w) => w.dataSync() as Float32Array);
    evaluation.durationMs = this.#now() - start;
    this.#background!.launch(evaluation, weights);
  }

  /** Where the run is, and the training figures since the last evaluation. */
  #newEvaluation(endOfEpoch: boolean): Evaluation {
    const { step, epochsDone, order } = this.#where();
    const running = this.#reports.takeRunningMeans();
    return {
      step,
      epoch: epochsDone + (endOfEpoch ? 0 : order.progress),
      trainLoss: running.loss,
      trainAccuracy: this.#data.loss === 'meanSquaredError' ? undefined : running.accuracy,
      endOfEpoch,
    };
  }
}
