import { tf, tfl } from './tf';
import { buildModel, setDropoutRate } from './models';
import type { Hyperparams } from './hyperparams';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from './optimizers';
import { sleep, yieldToEventLoop } from './yieldToEventLoop';
import { EpochOrder, gatherBatch, validateData } from './examples';
import { stepSeed } from './augment';
import { outputToPrediction } from './losses';
import { trainStep } from './trainStep';
import { DivergenceGuard, classCount } from './divergence';
import { SessionEvaluations, type Measured } from './sessionEvaluations';
import { HealthView, deadReluFractions, hiddenActivations } from './probes';
import { readWeights, writeWeights } from './modelWeights';
import { ReportBuffer } from './reportBuffer';
import { SessionSettings } from './sessionSettings';
import type { ModelSpec } from './modelSpec';
import type { DeadReluFraction, DivergenceReason, Evaluation, HiddenActivations, ResumePoint, SessionCallbacks, SessionOptions, SessionState, StepProgress, TrainingData } from './trainingTypes';

/**
 * One model learning from one dataset: start / pause / step / reset, settings changed live,
 * progress through callbacks, and a divergence guard. Free of DOM and UI, so it runs in a
 * worker, in the page and in Node tests alike. It is the one holder of its hyperparameters and
 * pace on the worker side, and checks every value it is given against the schema.
 */
export class TrainingSession {
  readonly data: TrainingData;
  #spec: ModelSpec;
  #settings: SessionSettings;
  #callbacks: SessionCallbacks;
  #seed: number;
  #options: Required<Pick<SessionOptions, 'readEvery' | 'readIntervalMs' | 'evaluateTrainingSet' | 'reportPredictions' | 'reportWeights'>>;

  #model: tfl.Sequential;
  #optimizer: tf.Optimizer;
  #appliedLearningRate = 0;
  #state: SessionState = 'idle';
  /** Bumped by pause / reset / dispose so a running loop notices it must stop (TF Playground's timerIndex). */
  #generation = 0;
  #loop: Promise<void> = Promise.resolve();

  #order: EpochOrder;
  #step = 0;
  #epochsDone = 0;
  #targetEpochs = 0;
  /** The step this run began at: a schedule (one-cycle) spans the run, so "train more" gets a cycle of its own. */
  #runStart = 0;

  #now: () => number;
  #reports: ReportBuffer;
  #guard: DivergenceGuard;
  #evaluations: SessionEvaluations;
  #healthView = new HealthView();

  constructor(options: SessionOptions) {
    validateData(options.data);
    this.data = options.data;
    this.#spec = options.spec;
    this.#settings = new SessionSettings(options.hyper, options.stepsPerSecond);
    this.#callbacks = options.callbacks ?? {};
    this.#seed = options.seed ?? 42;
    this.#now = options.now ?? (() => performance.now());
    this.#reports = new ReportBuffer(this.#now);
    this.#options = {
      readEvery: options.readEvery ?? 10,
      readIntervalMs: options.readIntervalMs ?? 150,
      evaluateTrainingSet: options.evaluateTrainingSet ?? false,
      reportPredictions: options.reportPredictions ?? false,
      reportWeights: options.reportWeights ?? false,
    };
    this.#guard = new DivergenceGuard(options.runawayFactor ?? 1e4);
    this.#evaluations = new SessionEvaluations(options, this.#options, this.#reports, () => ({ model: this.#model, step: this.#step, epochsDone: this.#epochsDone, order: this.#order, stepsPerEpoch: this.stepsPerEpoch }));
    this.#model = this.#buildModel();
    this.#optimizer = this.#buildOptimizer();
    this.#order = new EpochOrder(this.data.train.count, this.#seed);
    if (options.resume) {
      ({ step: this.#step, epochsDone: this.#epochsDone } = options.resume);
      this.#order.seek(options.resume.epochProgress ?? 0); // mid-epoch (another backend): the epoch count goes on, not back
      this.#targetEpochs = options.resume.targetEpochs ?? this.#epochsDone; // a switched run still ends where it was going to
      this.#runStart = options.resume.runStart ?? 0;
    }
  }

  get state(): SessionState { return this.#state; }
  get step(): number { return this.#step; }
  get epochsDone(): number { return this.#epochsDone; }
  get targetEpochs(): number { return this.#targetEpochs; }
  get runStart(): number { return this.#runStart; }
  get epochProgress(): number { return this.#order.progress; }
  /** Where a session that replaces this one goes on from (a backend switch). */
  get resumePoint(): ResumePoint { return { step: this.step, epochsDone: this.epochsDone, epochProgress: this.epochProgress, targetEpochs: this.targetEpochs, runStart: this.runStart }; }
  /** The latest checked settings (a copy), changes queued while running included: what the next step uses. */
  get hyperparams(): Hyperparams {
    return this.#settings.requested;
  }
  get stepsPerEpoch(): number {
    return Math.ceil(this.data.train.count / this.#settings.current.batchSize);
  }
  /** 0 = as fast as possible. Checked against PACE_SCHEMA (out-of-range values are clamped). */
  set stepsPerSecond(rate: number) {
    this.#settings.stepsPerSecond = rate;
  }
  get stepsPerSecond(): number { return this.#settings.stepsPerSecond; }
  /** The health view: gradient norm with every report, dead ReLUs about once a second. */
  set health(on: boolean) { this.#healthView.on = on; }
  get health(): boolean { return this.#healthView.on; }

  /** Trains until the epoch target is met, or until pause / reset / dispose. */
  train(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'disposed') return this.#loop;
    const { epochs } = this.#settings.current;
    if (this.#targetEpochs <= this.#epochsDone) {
      this.#targetEpochs = epochs > 0 ? this.#epochsDone + epochs : Infinity;
      this.#runStart = this.#step;
    }
    const generation = ++this.#generation;
    this.#reports.markStart();
    this.#setState('running');
    this.#loop = this.#run(generation);
    return this.#loop;
  }

  /** Stops after the current batch; resolves once the loop has stopped and its losses are reported. */
  async pause(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#generation++;
    await this.#loop;
  }

  /** Trains exactly one batch (when not running). */
  async trainOneStep(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'disposed') return;
    const generation = ++this.#generation;
    this.#reports.markStart();
    if (this.#order.done) await this.#endEpoch(generation, false);
    this.#trainBatch();
    if (!(await this.#flush(generation))) return;
    if (this.#evaluations.schedule.stepsDue(this.stepsPerEpoch) && !this.#judge(generation, [await this.#evaluations.inLine(false)])) return;
    this.#setState('paused');
  }

  /** Fresh weights, fresh optimizer, step 0: the same start as a new session with the same seed. */
  async reset(): Promise<void> {
    await this.#stopAndFree();
    this.#model = this.#buildModel();
    this.#step = 0;
    this.#epochsDone = 0;
    this.#targetEpochs = 0;
    this.#runStart = 0;
    this.#order = new EpochOrder(this.data.train.count, this.#seed);
    this.#optimizer = this.#buildOptimizer();
    this.#setState('idle');
  }

  /**
   * Checks settings against TRAINING_SCHEMA and queues them; they take effect at the next step
   * (also while running). Returns the messages for values that were rejected or clamped.
   */
  setHyperparams(raw: Record<string, unknown>): string[] {
    const messages = this.#settings.queue(raw);
    if (this.#state !== 'running') this.#applyPendingChanges();
    return messages;
  }

  /** Class probabilities (or raw outputs for regression) for `count` examples. */
  async predict(x: Float32Array, count: number): Promise<Float32Array> {
    this.#assertAlive();
    const out = tf.tidy(() => outputToPrediction(this.data.loss, this.#model.predict(tf.tensor(x, [count, ...this.data.inputShape])) as tf.Tensor));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }

  /** For each ReLU layer, the share of its units that are dead on a probe batch (see probes.ts). */
  async deadReluFractions(probeSize = 64): Promise<DeadReluFraction[]> {
    this.#assertAlive();
    return deadReluFractions(this.#model, this.data.inputShape, this.data.validation ?? this.data.train, probeSize);
  }

  /** The last hidden layer's outputs and the output layer's weights; null without a hidden layer (see probes.ts). */
  async hiddenActivations(x: Float32Array, count: number): Promise<HiddenActivations | null> {
    this.#assertAlive();
    return hiddenActivations(this.#model, this.data.inputShape, x, count);
  }

  /** Lends the live model to a read-only probe (feature maps, filters: see featureMaps.ts). */
  inspect<T>(probe: (model: tfl.LayersModel, data: TrainingData) => T): T {
    this.#assertAlive();
    return probe(this.#model, this.data);
  }

  /** Current weights as plain arrays (a checkpoint that survives a lost GPU). */
  readWeights(): Promise<Float32Array[]> { return readWeights(this.#model); }
  writeWeights(values: Float32Array[]): void { writeWeights(this.#model, values); }

  async dispose(): Promise<void> {
    if (this.#state === 'disposed') return;
    await this.#stopAndFree();
    this.#evaluations.release();
    this.#setState('disposed');
  }

  /** Stops the loop and frees every tensor the session holds: model, optimizer, restore points. */
  async #stopAndFree(): Promise<void> {
    await this.pause();
    this.#generation++;
    this.#evaluations.drop();
    this.#reports.dispose();
    this.#guard.reset();
    this.#model.dispose();
    disposeOptimizer(this.#optimizer);
  }

  /** The one place a model is built: the spec with fresh seeded weights and the current dropout. */
  #buildModel(): tfl.Sequential {
    const model = buildModel(this.#spec, this.data.inputShape, this.data.outputUnits, this.#seed);
    setDropoutRate(model, this.#settings.current.dropout);
    return model;
  }

  /** The one place an optimizer is built: the chosen kind at the current step's learning rate. */
  #buildOptimizer(): tf.Optimizer {
    this.#appliedLearningRate = this.#settings.learningRateAt(this.#step - this.#runStart, this.stepsPerEpoch);
    return createOptimizer(this.#settings.current.optimizer, this.#appliedLearningRate);
  }

  async #run(generation: number): Promise<void> {
    try {
      // -Infinity: the first step of a run is reported at once, so the learner sees training start.
      let lastRead = -Infinity;
      while (generation === this.#generation) {
        if (this.#order.done) {
          const finished = await this.#endEpoch(generation);
          if (finished || generation !== this.#generation) break;
          // lastRead is not reset here: on the cpu backend reads resolve as microtasks, so with
          // fewer than readEvery steps an epoch only the time check below yields to the event loop.
        }
        const stepStart = this.#now();
        this.#trainBatch();
        const now = this.#now();
        const { stepsPerSecond } = this.#settings;
        const paced = stepsPerSecond > 0;
        if (paced || this.#reports.length >= this.#options.readEvery || now - lastRead >= this.#options.readIntervalMs || this.#evaluations.dueBySteps) {
          const healthy = await this.#flush(generation);
          if (!healthy) return;
          if (!this.#judge(generation, await this.#evaluations.whenDue())) return;
          if (paced) await sleep(Math.max(0, 1000 / stepsPerSecond - (this.#now() - stepStart)));
          lastRead = this.#now();
        }
        // Let queued requests (a new learning rate, pause) in after every step, so a change takes
        // effect at the very next step. A MessageChannel hop costs microseconds.
        await yieldToEventLoop();
      }
      // Stopped by pause(): report what was trained so far.
      if (this.#state === 'running') {
        await this.#flush(this.#generation);
        if (this.#state === 'running') this.#judge(this.#generation, await this.#evaluations.inFlight());
        if (this.#state === 'running' && this.#evaluations.schedule.heldBack) this.#judge(this.#generation, [await this.#evaluations.inLine(false)]);
        if (this.#state === 'running') this.#setState('paused');
      }
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(String(cause));
      this.#reports.dispose();
      this.#evaluations.drop();
      if (this.#state !== 'disposed') this.#setState('paused');
      this.#callbacks.onError?.(error);
    }
  }

  /** Ends an epoch: report, evaluate, reshuffle. Returns true when the epoch target is met. */
  async #endEpoch(generation: number, mayFinish = true): Promise<boolean> {
    if (!(await this.#flush(generation))) return true;
    this.#epochsDone++;
    this.#order.reshuffle();
    const final = mayFinish && this.#epochsDone >= this.#targetEpochs;
    if (!this.#judge(generation, await this.#evaluations.atEpochEnd(final))) return true;
    if (final) {
      this.#setState('done');
      return true;
    }
    return false;
  }

  /** Applies queued settings: between steps only, so a step never sees half a change. */
  #applyPendingChanges(): void {
    const effective = this.#settings.applyQueued();
    if (!effective) return;
    const hyper = this.#settings.current;
    if (effective.optimizer !== undefined) {
      // A new optimizer starts cleanly on the current weights; the old one's slots are freed.
      disposeOptimizer(this.#optimizer);
      this.#optimizer = this.#buildOptimizer();
    }
    if (effective.dropout !== undefined) setDropoutRate(this.#model, hyper.dropout);
    if (effective.epochs !== undefined && this.#state === 'running') {
      this.#targetEpochs = hyper.epochs > 0 ? Math.max(this.#epochsDone + 1, hyper.epochs) : Infinity;
    }
    this.#callbacks.onHyperChange?.({ step: this.#step, changes: effective });
  }

  #trainBatch(): void {
    this.#applyPendingChanges();
    const lr = this.#settings.learningRateAt(this.#step - this.#runStart, this.stepsPerEpoch);
    if (lr !== this.#appliedLearningRate) {
      setOptimizerLearningRate(this.#optimizer, lr);
      this.#appliedLearningRate = lr;
    }
    const { batchSize, l1, l2, augment } = this.#settings.current;
    const indices = this.#order.next(batchSize);
    const batch = gatherBatch(this.data, this.data.train, indices, augment ? stepSeed(this.#seed, this.#step) : undefined);
    this.#reports.startStep(this.#step);
    const result = trainStep(this.#model, this.#optimizer, this.data, batch, { l1, l2, withAccuracy: true, withGradientNorm: this.#healthView.on });
    this.#reports.add(result.loss, result.accuracy, result.gradientNorm, indices.length);
    this.#step++;
    this.#evaluations.countStep();
  }

  /** Reads the kept batch losses back in one go, checks them, and reports. False when training diverged. */
  async #flush(generation: number): Promise<boolean> {
    const read = await this.#reports.read();
    if (!read) return true;
    if (this.#state === 'disposed') return false;
    const { losses, firstStep } = read;
    const bad = this.#guard.check(losses);
    if (bad) {
      this.#recoverFromDivergence(bad.reason, losses[bad.index], firstStep + bad.index);
      return false;
    }
    this.#guard.noteHealthy(losses, this.#model, this.#step);
    const weights = this.#options.reportWeights ? (await this.readWeights()).map((w) => Array.from(w)) : undefined;
    const deadRelu = this.#healthView.deadReluDue(this.#now()) ? await this.deadReluFractions() : undefined;
    const progress: StepProgress = {
      weights,
      deadRelu,
      step: this.#step,
      epoch: this.#epochsDone + this.#order.progress,
      losses,
      firstStep,
      trainAccuracy: read.trainAccuracy,
      ...this.#reports.accept(read),
      learningRate: this.#appliedLearningRate,
      gradientNorm: read.gradientNorm,
    };
    if (generation === this.#generation || this.#state !== 'running') this.#callbacks.onStep?.(progress);
    return true;
  }

  #recoverFromDivergence(reason: DivergenceReason, loss: number, at: number): void {
    this.#generation++;
    this.#evaluations.drop();
    const learningRate = this.#appliedLearningRate;
    let restoredStep = this.#guard.restore(this.#model, reason);
    if (restoredStep === null) {
      // Diverged before any good state was seen: start again from the initial weights.
      restoredStep = 0;
      this.#model.dispose();
      this.#model = this.#buildModel();
    }
    this.#step = restoredStep;
    // The optimizer's moments may be poisoned too: start a clean one.
    disposeOptimizer(this.#optimizer);
    this.#optimizer = this.#buildOptimizer();
    this.#reports.resetWindow();
    const report = this.#guard.report({ reason, loss, step: at, learningRate, optimizer: this.#settings.current.optimizer, restoredStep });
    this.#setState('diverged');
    this.#callbacks.onDiverged?.(report);
  }

  /** Checks evaluations (of `weights`, when not the model's own now) and reports them, in order. False when one stopped the run. */
  #judge(generation: number, measured: Measured[]): boolean {
    return measured.every(({ evaluation, weights }) => this.#judgeOne(generation, evaluation, weights));
  }

  #judgeOne(generation: number, evaluation: Evaluation, weights?: Float32Array[]): boolean {
    if (this.#state === 'disposed') return false;
    const losses = [evaluation.trainLoss, evaluation.valLoss].filter((l): l is number => l !== undefined && !Number.isNaN(l));
    if (losses.some((l) => !Number.isFinite(l))) {
      this.#recoverFromDivergence('nonFinite', Infinity, this.#step);
      return false;
    }
    if (this.#guard.watch(evaluation, this.#model, evaluation.step, classCount(this.data), weights)) {
      this.#recoverFromDivergence('collapse', evaluation.valLoss ?? NaN, this.#step);
      return false;
    }
    if (generation === this.#generation || this.#state !== 'running') this.#callbacks.onEvaluate?.(evaluation);
    return true;
  }

  #setState(state: SessionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#callbacks.onStateChange?.(state);
  }

  #assertAlive(): void {
    if (this.#state === 'disposed') throw new Error('This training session has been disposed.');
  }
}
