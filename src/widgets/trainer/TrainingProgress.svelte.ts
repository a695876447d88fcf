import type { SessionEvent } from '../../worker/protocol';
import type { Hyperparams } from '../../ml/hyperparams';
import type { DivergenceReport, Evaluation, StepProgress } from '../../ml/trainingTypes';
import { changeLabel, compact, lossPoints, type LossPoint, type Marker } from './trainingHistory';
import { aimedEpochs, targetAfterEpochsChange, targetAfterTrain, type DownloadProgress } from './runReadout';

/** What a saved model keeps of its run, to draw it again when loaded. */
export interface SavedCurves {
  batchLosses: LossPoint[];
  evaluations: Evaluation[];
}

export interface PastRun {
  id: number;
  label: string;
  /** The settings the run started training with. */
  hyper: Hyperparams;
  /** Settings changed while it trained, as the chart's markers say them ("lr 0.0067"), in order. */
  changes: string[];
  evaluations: Evaluation[];
  batchLosses: LossPoint[];
}

type Listener<T> = (value: T) => void;

/**
 * What the worker reported about the current run, and the runs before it, read through getters.
 * Step reports are batched by one timer (each visible change costs a composited frame, which on
 * machines without a GPU is drawn in software and competes with training for the CPU) and handed
 * to `onSteps` listeners in the same batch the page draws. An evaluation is shown at once, with
 * the steps before it, unless another was shown less than the batching interval ago: then it
 * joins the batch (toy trainers evaluate every 10 steps, many times a second). Histories are
 * `$state.raw` because they are replaced wholesale.
 */
export class TrainingProgress {
  #batchLosses = $state.raw<LossPoint[]>([]);
  #evaluations = $state.raw<Evaluation[]>([]);
  #markers = $state.raw<Marker[]>([]);
  #divergence = $state.raw<DivergenceReport | null>(null);
  #examplesPerSecond = $state(0);
  #msPerStep = $state(0);
  #learningRate = $state(0);
  #step = $state(0);
  #epoch = $state(0);
  #trainAccuracy = $state<number | null>(null);
  #learningRates = $state.raw<{ step: number; lr: number }[]>([]);
  #gradientNorm = $state<number | null>(null);
  #deadRelu = $state.raw<{ layer: string; fraction: number }[]>([]);
  #runs = $state.raw<PastRun[]>([]);
  /** The settings the current run started with (or will start with, before its first step). */
  #runHyper: Hyperparams | null = null;
  #runChanges: string[] = [];
  /** Changes made after the run's last step: part of the run only once it trains with them. */
  #changesToCome: string[] = [];
  #weights = $state.raw<number[][] | null>(null);
  #runId = $state(0);
  #weightsVersion = $state(0);
  /** 0 until Train is pressed in this run (see runReadout.ts). */
  #epochTarget = $state(0);
  #download = $state.raw<DownloadProgress | null>(null);

  #maxPoints: number;
  #uiIntervalMs: number;
  #nextRunNumber = 1;
  #runLabel: string | null = null;
  #pendingSteps: StepProgress[] = [];
  #pendingEvaluations: Evaluation[] = [];
  #lastEvaluationShown = -Infinity;
  #pendingTimer: ReturnType<typeof setTimeout> | null = null;
  /** The first report after Train is shown at once (the learner sees training start); later ones are batched. */
  #showNextStepAtOnce = false;
  // Listeners are bookkeeping, never shown: plain Sets, not reactive ones.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #stepListeners = new Set<Listener<readonly StepProgress[]>>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #divergenceListeners = new Set<Listener<DivergenceReport>>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #evaluationListeners = new Set<Listener<Evaluation>>();

  constructor(maxPoints: number, uiIntervalMs: number) {
    this.#maxPoints = maxPoints;
    this.#uiIntervalMs = uiIntervalMs;
  }

  get batchLosses(): LossPoint[] { return this.#batchLosses; }
  get evaluations(): Evaluation[] { return this.#evaluations; }
  get markers(): Marker[] { return this.#markers; }
  get divergence(): DivergenceReport | null { return this.#divergence; }
  get examplesPerSecond(): number { return this.#examplesPerSecond; }
  get msPerStep(): number { return this.#msPerStep; }
  get learningRate(): number { return this.#learningRate; }
  get step(): number { return this.#step; }
  get epoch(): number { return this.#epoch; }
  get trainAccuracy(): number | null { return this.#trainAccuracy; }
  /** Learning rate against step, for the schedule plot. */
  get learningRates(): { step: number; lr: number }[] { return this.#learningRates; }
  get gradientNorm(): number | null { return this.#gradientNorm; }
  get deadRelu(): { layer: string; fraction: number }[] { return this.#deadRelu; }
  /** Finished or replaced runs of this session, newest last (kept for overlays). */
  get runs(): PastRun[] { return this.#runs; }
  /** Latest weights, when the session was configured with `reportWeights` (tiny models). */
  get weights(): number[][] | null { return this.#weights; }
  /** The run the current histories belong to. */
  get runId(): number { return this.#runId; }
  /** Bumped whenever the model's weights changed, so predictions can refresh. */
  get weightsVersion(): number { return this.#weightsVersion; }

  /** The digits' download while the worker loads them (null before it starts). */
  get download(): DownloadProgress | null { return this.#download; }

  /** The epoch count this run aims at, given the settings' count: it grows when the learner trains more. */
  epochTarget(epochs: number): number {
    return aimedEpochs(this.#epochTarget, epochs);
  }

  /** Train was pressed with `epochs` in the settings: after a finished run, the target moves on. */
  trainRequested(epochs: number): void {
    this.flush();
    this.#showNextStepAtOnce = true;
    this.#lastEvaluationShown = -Infinity; // and its first evaluation
    this.#epochTarget = targetAfterTrain(this.#epochTarget, this.#epoch, epochs);
  }

  get latestEvaluation(): Evaluation | null {
    return this.#evaluations.at(-1) ?? null;
  }

  /** The current run as a PastRun (for overlays that include it), with the settings it trained with. */
  currentRun(): PastRun | null {
    const hyper = this.#runHyper;
    if (!hyper || this.#batchLosses.length === 0) return null;
    return { id: 0, label: `${this.#runLabel ?? 'current run'} (now)`, hyper, changes: this.#runChanges, evaluations: this.#evaluations, batchLosses: this.#batchLosses };
  }

  /**
   * The worker accepted new settings. Before the run's first step they are the settings it starts
   * with; after it, they are a change during the run (kept as the chart's marker says it).
   */
  settingsChanged(hyper: Hyperparams, changes: Partial<Hyperparams>): void {
    if (this.#step === 0 && this.#batchLosses.length === 0) this.#runHyper = hyper;
    else if (Object.keys(changes).length > 0) this.#changesToCome.push(changeLabel(changes));
  }

  onSteps(listener: Listener<readonly StepProgress[]>): () => void {
    this.#stepListeners.add(listener);
    return () => this.#stepListeners.delete(listener);
  }

  /** Called with each evaluation of the held-out (and training) set, after it is recorded. */
  onEvaluation(listener: Listener<Evaluation>): () => void {
    this.#evaluationListeners.add(listener);
    return () => this.#evaluationListeners.delete(listener);
  }

  onDivergence(listener: Listener<DivergenceReport>): () => void {
    this.#divergenceListeners.add(listener);
    return () => this.#divergenceListeners.delete(listener);
  }

  /** The model's weights changed outside training (a reset, a restore): predictions refresh. */
  weightsChanged(): void {
    this.#weightsVersion++;
  }

  clearDivergence(): void {
    this.#divergence = null;
  }

  /**
   * A new run starts (new model, reset) with `hyper`: the run so far is kept for the history under
   * the settings it trained with, then cleared.
   */
  startRun(runId: number, hyper: Hyperparams | null, label: string | null): void {
    this.flush(); // what the old run reported last (its pause's evaluation) is part of it
    const past = this.currentRun();
    if (past) {
      const archived = this.#runLabel ?? `run ${this.#nextRunNumber}`;
      this.#runs = [...this.#runs, { ...past, id: this.#nextRunNumber++, label: archived }].slice(-20);
    }
    this.#runHyper = hyper;
    this.#runChanges = [];
    this.#changesToCome = [];
    this.#runLabel = label;
    this.#runId = runId;
    this.#lastEvaluationShown = -Infinity;
    this.#batchLosses = [];
    this.#evaluations = [];
    this.#markers = [];
    this.#divergence = null;
    this.#step = 0;
    this.#epoch = 0;
    this.#epochTarget = 0;
    this.#trainAccuracy = null;
    this.#examplesPerSecond = 0;
    this.#learningRates = [];
    this.#gradientNorm = null;
    this.#deadRelu = [];
  }

  /**
   * The new run goes on from a saved model: its curves lead the chart up to a marker where it was
   * loaded, then comes the loaded model's own evaluation; step and epoch count on from there.
   */
  continueFrom(saved: SavedCurves, loaded: Evaluation, marker: string): void {
    this.#batchLosses = saved.batchLosses;
    this.#evaluations = [...saved.evaluations, loaded];
    this.#markers = [{ step: loaded.step, epoch: loaded.epoch, label: marker }];
    this.#step = loaded.step;
    this.#epoch = loaded.epoch;
    this.#weightsVersion++;
  }

  dropPending(): void {
    if (this.#pendingTimer) clearTimeout(this.#pendingTimer);
    this.#pendingTimer = null;
    this.#pendingSteps = [];
    this.#pendingEvaluations = [];
  }

  dispose(): void {
    this.dropPending();
    this.#stepListeners.clear();
    this.#divergenceListeners.clear();
    this.#evaluationListeners.clear();
  }

  /** Takes the run's events (steps, evaluations, divergence, live changes). */
  receive(event: SessionEvent): void {
    switch (event.kind) {
      case 'step':
        if (this.#changesToCome.length > 0) {
          this.#runChanges = [...this.#runChanges, ...this.#changesToCome];
          this.#changesToCome = [];
        }
        this.#pendingSteps.push(event.progress);
        if (this.#showNextStepAtOnce) {
          this.#showNextStepAtOnce = false;
          this.flush();
        } else {
          this.#pendingTimer ??= setTimeout(() => this.flush(), this.#uiIntervalMs);
        }
        break;
      case 'evaluate':
        this.#pendingEvaluations.push(event.evaluation);
        if (performance.now() - this.#lastEvaluationShown >= this.#uiIntervalMs) this.flush();
        else this.#pendingTimer ??= setTimeout(() => this.flush(), this.#uiIntervalMs);
        break;
      case 'diverged': {
        this.flush();
        const report = event.report;
        this.#divergence = report;
        this.#step = report.restoredStep;
        this.#batchLosses = this.#batchLosses.filter((p) => p.step <= report.restoredStep);
        this.#markers = [...this.#markers, { step: report.restoredStep, epoch: this.#epoch, label: 'diverged → restored' }];
        this.#weightsVersion++;
        for (const listener of this.#divergenceListeners) listener(report);
        break;
      }
      case 'hyperChange':
        this.flush();
        if (event.change.changes.epochs !== undefined) this.#epochTarget = targetAfterEpochsChange(this.#epochTarget, this.#epoch, event.change.changes.epochs);
        this.#markers = [...this.#markers, { step: event.change.step, epoch: this.#epoch, label: changeLabel(event.change.changes) }];
        break;
      case 'download':
        this.#download = { received: event.received, total: event.total };
        break;
      default:
        this.flush();
    }
  }

  /** Applies the batched step reports, then the evaluations, now. */
  flush(): void {
    if (this.#pendingTimer) clearTimeout(this.#pendingTimer);
    this.#pendingTimer = null;
    const steps = this.#pendingSteps;
    const evaluations = this.#pendingEvaluations;
    this.#pendingSteps = [];
    this.#pendingEvaluations = [];
    if (steps.length > 0) this.#showSteps(steps);
    if (evaluations.length === 0) return;
    this.#lastEvaluationShown = performance.now();
    this.#evaluations = [...this.#evaluations, ...evaluations];
    for (const evaluation of evaluations) for (const listener of this.#evaluationListeners) listener(evaluation);
  }

  #showSteps(steps: StepProgress[]): void {
    const points = lossPoints({ step: this.#step, epoch: this.#epoch }, steps);
    const last = steps[steps.length - 1];
    this.#batchLosses = compact([...this.#batchLosses, ...points], this.#maxPoints);
    this.#step = last.step;
    this.#epoch = last.epoch;
    this.#examplesPerSecond = last.examplesPerSecond;
    this.#msPerStep = last.msPerStep;
    this.#learningRate = last.learningRate;
    if (last.weights) this.#weights = last.weights;
    this.#learningRates = [...this.#learningRates, ...steps.map((p) => ({ step: p.step, lr: p.learningRate }))].slice(-2000);
    const norm = steps.findLast((p) => p.gradientNorm !== undefined)?.gradientNorm;
    if (norm !== undefined) this.#gradientNorm = norm;
    const dead = steps.findLast((p) => p.deadRelu !== undefined)?.deadRelu;
    if (dead) this.#deadRelu = dead;
    const acc = steps.findLast((p) => p.trainAccuracy !== undefined)?.trainAccuracy;
    if (acc !== undefined) this.#trainAccuracy = acc;
    this.#weightsVersion++;
    for (const listener of this.#stepListeners) listener(steps);
  }
}
