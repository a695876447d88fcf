import { TrainerState } from '../trainer/TrainerState.svelte';
import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { throttleLatest, type ThrottledTask } from '../trainer/throttleLatest';
import { viewFor, type PlotView } from './scatterEditing';
import { generateLine, type Points1D } from '../../ml/toyData';
import { meanSquaredError } from '../../ml/leastSquares';
import { lossLandscape, type LossLandscape } from '../../ml/lossLandscape';
import {
  HAND_FIT_TARGET,
  LINE_SPEC,
  bestLine,
  FAST_STEPS,
  convergenceVerdict,
  lineFromWeights,
  lineHyperparams,
  lineToWeights,
  lineTrainingData,
  parameterHalfRange,
  stableLearningRateLimit,
  type Line,
  type LineFitterSettings,
} from '../../ml/lineFit';
import type { DivergenceReport, StepProgress } from '../../ml/trainingTypes';
import type { TrainingClient } from '../../worker/TrainingClient';

export interface PathPoint extends Line {
  step: number;
}

/** Where the current line came from: the lesson's start, the learner's hands, or gradient descent. */
export type LineSource = 'start' | 'hand' | 'descent';

const GENERATED_X_RANGE = { xMin: -1, xMax: 1 } as const;
const LANDSCAPE_RESOLUTION = 90;
const MAX_PATH = 4000;
const PUBLISH_MS = 100;

/**
 * Why the line fitter is not a ToyTrainer definition: its model is written by hand as well as
 * trained (slider edits go into the worker's weights mid-run, and reports from before an edit
 * must be ignored), it animates gradient descent at a chosen pace and draws the path on the loss
 * landscape, and its data is edited point by point. It shares TrainerState, the exercise
 * tracker, the controls and the CSV input with the toy trainers.
 *
 * The line fitter's page-side state: the points, the line, the path gradient descent took, and
 * keeping the training worker in step with them. Hand edits are instant on the page; the worker
 * hears about them through one throttled sync, so dragging never queues a backlog of requests.
 */
/** When gradient descent reached the best line (within 1 % of the lowest error), and whether it started there. */
export interface Convergence {
  fast: boolean;
  step: number;
  alreadyThere: boolean;
}

export class LineFitterState {
  readonly trainer: TrainerState;
  readonly usesDescent: boolean;
  readonly startLine: Line;
  /** The lesson's targets: the error to reach by hand, the steps to reach the best line in. */
  readonly handFitTarget: number;
  readonly fastSteps: number;

  #points = $state.raw<Points1D>({ x: new Float32Array(0), y: new Float32Array(0) });
  /** Where the points came from, for the learner: "generated", a file name, "pasted text". */
  #dataSource = $state('generated');
  #view = $state.raw<PlotView>({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
  /** The sliders and the landscape span [−halfRange, halfRange] for both m and b. */
  #halfRange = $state(3);
  #line = $state.raw<Line>({ slope: 0, intercept: 0 });
  #lineSource = $state<LineSource>('start');
  #path = $state.raw<PathPoint[]>([]);
  #learningRate = $state(0.1);
  #stepsPerSecond = $state(20);
  #noise = $state(0.15);
  #count = $state(30);
  #seed = $state(1);
  #handFitDone = $state(false);
  /** Set once the current run reaches the best line (within 1 %). */
  #convergence = $state.raw<Convergence | null>(null);
  #settingMessages = $state.raw<string[]>([]);

  get points(): Points1D { return this.#points; }
  get dataSource(): string { return this.#dataSource; }
  get view(): PlotView { return this.#view; }
  get halfRange(): number { return this.#halfRange; }
  get line(): Line { return this.#line; }
  get lineSource(): LineSource { return this.#lineSource; }
  get path(): PathPoint[] { return this.#path; }
  get learningRate(): number { return this.#learningRate; }
  get stepsPerSecond(): number { return this.#stepsPerSecond; }
  get noise(): number { return this.#noise; }
  get count(): number { return this.#count; }
  get seed(): number { return this.#seed; }
  get handFitDone(): boolean { return this.#handFitDone; }
  get convergence(): Convergence | null { return this.#convergence; }
  get settingMessages(): string[] { return this.#settingMessages; }

  readonly best = $derived(bestLine(this.#points));
  readonly mse = $derived(meanSquaredError(this.#points, this.#line.slope, this.#line.intercept));
  readonly landscape: LossLandscape = $derived(
    lossLandscape(this.#points, { mRange: [-this.#halfRange, this.#halfRange], bRange: [-this.#halfRange, this.#halfRange], resolution: LANDSCAPE_RESOLUTION }),
  );
  readonly learningRateLimit = $derived(stableLearningRateLimit(this.#points));

  #settings: LineFitterSettings;
  #exercises: ExerciseTracker;
  #diverged = false;
  #unsubscribe: (() => void)[] = [];
  #sync: ThrottledTask;
  #dataDirty = false;
  #lineDirty = false;
  /** Counts hand edits: descent reports are ignored until the worker has the newest hand-set line. */
  #handEdits = 0;
  #handSynced = 0;
  #runStartMse: number | null = null;
  #disposed = false;

  constructor(
    settings: LineFitterSettings,
    exercises: unknown,
    onexercise: () => ((id: string) => void) | undefined,
    options: { createClient?: () => TrainingClient } = {},
  ) {
    // Step reports reach the page (and the path) ten times a second: each repaint costs.
    this.trainer = new TrainerState({ createClient: options.createClient, uiIntervalMs: PUBLISH_MS });
    this.#settings = settings;
    this.#exercises = new ExerciseTracker(exercises, onexercise);
    this.handFitTarget = this.#exercises.bound('handMse', 'below') ?? HAND_FIT_TARGET;
    this.fastSteps = this.#exercises.bound('convergedStep', 'below') ?? FAST_STEPS;
    this.usesDescent = settings.mode !== 'hand';
    this.startLine = { slope: settings.startSlope, intercept: settings.startIntercept };
    this.#learningRate = settings.learningRate;
    this.#stepsPerSecond = settings.stepsPerSecond;
    this.#noise = settings.noise;
    this.#count = settings.count;
    this.#seed = settings.seed;
    this.#line = this.startLine;
    this.#sync = throttleLatest(() => this.#syncWorker(), 60);
    this.#setData(this.#generate(), 'generated', true);
  }

  /** Starts the worker (plain JavaScript backend: two weights train fastest without WebGL or wasm). */
  async start(): Promise<void> {
    if (!this.usesDescent) return;
    const points = this.#points;
    await this.trainer.start('cpu', { kind: 'arrays', data: lineTrainingData(points) }, LINE_SPEC, lineHyperparams(this.#learningRate, points.x.length), {
      reportWeights: true,
      stepsPerSecond: this.#stepsPerSecond,
      evaluateTrainingSet: true,
    });
    if (this.#disposed || !this.trainer.connected || this.trainer.status === 'error') return;
    this.#unsubscribe = [
      this.trainer.progress.onSteps((steps) => this.#onSteps(steps)),
      this.trainer.progress.onDivergence((report) => this.#onDivergence(report)),
    ];
    // Whatever changed while the worker started (data, line) is sent now, in one go.
    this.#dataDirty = points !== this.#points;
    this.#lineDirty = true;
    this.#sync.request();
  }

  dispose(): void {
    this.#disposed = true;
    this.#sync.cancel();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.trainer.dispose();
  }

  // ---- the learner's actions ----------------------------------------------------------------

  /** A slider or a typed value: instant on the page; gradient descent restarts from here. */
  setLineByHand(line: Line): void {
    this.#line = line;
    this.#lineSource = 'hand';
    this.#path = [];
    this.#convergence = null;
    this.#handEdits++;
    this.#checkHandFit();
    this.#requestLineSync();
  }

  /** Reset: back to the lesson's starting line, step 0. */
  resetLine(): void {
    this.#line = this.startLine;
    this.#lineSource = 'start';
    this.#path = [];
    this.#convergence = null;
    this.#handEdits++;
    this.#requestLineSync();
  }

  /** While a point is dragged: the plot, the loss and the landscape follow; the worker waits for the drop. */
  previewPoints(points: Points1D): void {
    this.#points = points;
  }

  /** An edit is finished (drop, add, delete): the worker trains on the new points from the current line. */
  commitPoints(points: Points1D): void {
    this.#setData(points, this.#dataSource === 'generated' ? 'generated, then edited' : this.#dataSource, false);
  }

  regenerate(changes: { noise?: number; count?: number; newSeed?: boolean }): void {
    if (changes.noise !== undefined) this.#noise = changes.noise;
    if (changes.count !== undefined) this.#count = changes.count;
    if (changes.newSeed) this.#seed = (this.#seed + 1) % 1_000_000;
    this.#setData(this.#generate(), 'generated', true);
  }

  loadPoints(points: Points1D, source: string): void {
    this.#setData(points, source, true);
  }

  async setLearningRate(value: number): Promise<void> {
    this.#learningRate = value;
    this.#settingMessages = await this.trainer.changeSettings({ learningRate: value });
  }

  async setStepsPerSecond(value: number): Promise<void> {
    this.#stepsPerSecond = value;
    await this.trainer.setPace(value);
  }

  // ---- data ----------------------------------------------------------------------------------

  #generate(): Points1D {
    const s = this.#settings;
    return generateLine({ count: this.#count, slope: s.slope, intercept: s.intercept, noise: this.#noise, seed: this.#seed });
  }

  #setData(points: Points1D, source: string, reframe: boolean): void {
    this.#points = points;
    this.#dataSource = source;
    if (reframe) this.#view = viewFor(points, source === 'generated' ? GENERATED_X_RANGE : {});
    this.#halfRange = parameterHalfRange(bestLine(points).line, this.startLine);
    this.#count = points.x.length;
    if (this.#lineSource === 'hand') this.#checkHandFit();
    this.#dataDirty = true;
    this.#sync.request();
  }

  // ---- keeping the worker in step ------------------------------------------------------------

  #requestLineSync(): void {
    this.#lineDirty = true;
    this.#sync.request();
  }

  async #syncWorker(): Promise<void> {
    const trainer = this.trainer;
    if (this.#disposed || this.#unsubscribe.length === 0 || trainer.status === 'error') return;
    try {
      if (this.#dataDirty) {
        this.#dataDirty = false;
        this.#lineDirty = false;
        const handEdits = this.#handEdits;
        const wasRunning = trainer.status === 'running';
        const points = this.#points;
        await trainer.loadData(lineTrainingData(points));
        await trainer.configure(LINE_SPEC, lineHyperparams(this.#learningRate, points.x.length));
        await trainer.setPace(this.#stepsPerSecond);
        await this.#writeLine(this.#line, handEdits);
        if (wasRunning && !this.#dataDirty && this.#handEdits === handEdits) await trainer.train();
      } else if (this.#lineDirty) {
        this.#lineDirty = false;
        const handEdits = this.#handEdits;
        // Play pressed while a hand edit was on its way (knobs moved, then Play at once): the reset
        // below stops the run, so gradient descent plays on from the new line. Reset does not.
        const playOn = trainer.playing && this.#lineSource === 'hand';
        await trainer.reset();
        await this.#writeLine(this.#line, handEdits);
        if (playOn && !this.#lineDirty && !this.#dataDirty && this.#handEdits === handEdits) await trainer.train();
      }
    } catch (error) {
      trainer.reportError(error);
    }
    if (this.#dataDirty || this.#lineDirty) this.#sync.request();
  }

  /** Puts `line` into the model and starts a fresh path there. */
  async #writeLine(line: Line, handEdits: number): Promise<void> {
    await this.trainer.writeWeights(lineToWeights(line));
    this.#handSynced = handEdits;
    this.#path = [{ step: 0, ...line }];
    this.#runStartMse = meanSquaredError(this.#points, line.slope, line.intercept);
    this.#convergence = null;
  }

  // ---- what the worker reports ---------------------------------------------------------------

  #onSteps(steps: readonly StepProgress[]): void {
    // A report from before the latest hand edit reached the worker would drag the line back.
    if (this.#handSynced !== this.#handEdits) return;
    let line: Line | null = null;
    const added: PathPoint[] = [];
    for (const progress of steps) {
      const reported = lineFromWeights(progress.weights);
      if (!reported) continue;
      this.#checkConvergence(reported, progress.step);
      added.push({ step: progress.step, ...reported });
      line = reported;
    }
    if (line) this.#publish(line, added);
  }

  #onDivergence(report: DivergenceReport): void {
    if (this.#handSynced !== this.#handEdits) return;
    this.#diverged = true;
    this.#exercises.update(this.#figures());
    void this.#showRestoredLine(report.restoredStep);
  }

  /**
   * After a divergence the session restores an earlier step. Step 0 is this run's starting line,
   * which the session does not know (it was written into the model): put it back explicitly.
   */
  async #showRestoredLine(restoredStep: number): Promise<void> {
    try {
      const edits = this.#handEdits;
      const start = this.#path[0];
      let line: Line | null;
      if (restoredStep === 0 && start) {
        line = { slope: start.slope, intercept: start.intercept };
        await this.trainer.writeWeights(lineToWeights(line));
      } else {
        line = lineFromWeights(await this.trainer.readWeights());
      }
      if (!line || edits !== this.#handEdits) return;
      this.#line = line;
      this.#path = [...this.#path, { step: this.trainer.progress.step, ...line }];
    } catch {
      // The last reported line stays; the next report corrects it.
    }
  }

  /** Shows the newest reported line and extends the path with the steps that moved visibly. */
  #publish(line: Line, reported: PathPoint[]): void {
    const tolerance = this.#halfRange * 2e-3;
    let path = this.#path;
    const added: PathPoint[] = [];
    let last = path.at(-1);
    for (const p of reported) {
      // Once the line has settled, further steps add nothing visible to the path.
      if (last && Math.abs(p.slope - last.slope) < tolerance && Math.abs(p.intercept - last.intercept) < tolerance) continue;
      added.push(p);
      last = p;
    }
    if (added.length) {
      path = [...path, ...added];
      if (path.length > MAX_PATH) path = [path[0], ...path.slice(path.length - MAX_PATH + 1)];
      this.#path = path;
    }
    this.#line = line;
    this.#lineSource = 'descent';
  }

  // ---- exercises (their targets are in the lesson's frontmatter) ------------------------------

  /** What the lesson's exercise checks can name. */
  #figures(): Record<string, number | boolean | undefined> {
    return {
      handMse: this.#lineSource === 'hand' ? this.mse : undefined,
      diverged: this.#diverged,
      converged: this.#convergence !== null,
      // A run that started at the best line had no way to show speed.
      convergedStep: this.#convergence?.alreadyThere ? undefined : this.#convergence?.step,
    };
  }

  #checkHandFit(): void {
    if (this.mse < this.handFitTarget) this.#handFitDone = true;
    this.#exercises.update(this.#figures());
  }

  #checkConvergence(line: Line, step: number): void {
    if (this.#convergence || this.#runStartMse === null) return;
    const verdict = convergenceVerdict(this.#runStartMse, meanSquaredError(this.#points, line.slope, line.intercept), this.best.mse, step);
    if (verdict === 'not-yet') return;
    // A hand fit already within 1 % of the optimum: gradient descent holds it there, which is what
    // the exercise asks to see, though it says nothing about speed.
    this.#convergence = verdict === 'started' ? { fast: false, step, alreadyThere: true } : { fast: step < this.fastSteps, step, alreadyThere: false };
    this.#exercises.update(this.#figures());
  }
}
