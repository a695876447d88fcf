import { tf, tfl } from './tf';
import { buildModel, type ModelSpec } from './models';
import { TRAINING_SCHEMA, type Hyperparams, type OptimizerName, type ScheduleName } from './hyperparams';
import { checkValues, type Values } from './schema';
import { createOptimizer, disposeOptimizer, setOptimizerLearningRate } from './optimizers';
import { scheduledLearningRate } from './schedules';
import { createRng, shuffleInPlace } from './random';
import { yieldToEventLoop } from './yieldToEventLoop';

export type LossKind = 'softmaxCrossEntropy' | 'sigmoidCrossEntropy' | 'meanSquaredError';

export interface Examples {
  /** count × prod(inputShape) floats, row-major. */
  x: Float32Array;
  /** Class indices (softmax), 0/1 targets (sigmoid) or count × outputUnits targets (MSE). */
  y: Float32Array | Int32Array;
  count: number;
}

export interface TrainingData {
  inputShape: number[];
  outputUnits: number;
  loss: LossKind;
  train: Examples;
  validation?: Examples;
}

export type SessionState = 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'disposed';

export interface StepProgress {
  /** Steps (batches) trained since reset, after this report. */
  step: number;
  /** Fractional epoch. */
  epoch: number;
  /** The batch losses since the last report, oldest first; the first is for step `firstStep`. */
  losses: number[];
  firstStep: number;
  trainAccuracy?: number;
  examplesPerSecond: number;
  msPerStep: number;
  learningRate: number;
  gradientNorm?: number;
  /** Share of ReLU units that output zero for every example of a probe batch, per layer (health view). */
  deadRelu?: { layer: string; fraction: number }[];
  /** The model's weights after this report's last step (only with `reportWeights`, for tiny models). */
  weights?: number[][];
}

export interface Evaluation {
  step: number;
  epoch: number;
  /** Full-pass loss on the training set when it is small; otherwise the running mean since the last evaluation. */
  trainLoss: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Predicted class of every validation example (classification only). */
  predictions?: Uint8Array;
  endOfEpoch: boolean;
}

export interface DivergenceReport {
  step: number;
  reason: 'nonFinite' | 'runaway';
  loss: number | null;
  firstLoss: number;
  learningRate: number;
  message: string;
  /** The step whose weights were restored. */
  restoredStep: number;
}

/** The last hidden layer's outputs and the output layer's weights (see `TrainingSession.hiddenActivations`). */
export interface HiddenActivations {
  /** count × units values, row-major. */
  values: Float32Array;
  units: number;
  /** units × outputUnits, row-major. */
  outputKernel: Float32Array;
  outputBias: Float32Array;
}

export interface HyperChange {
  step: number;
  changes: Partial<Hyperparams>;
}

export interface SessionCallbacks {
  onStateChange?(state: SessionState): void;
  onStep?(progress: StepProgress): void;
  onEvaluate?(evaluation: Evaluation): void;
  onDiverged?(report: DivergenceReport): void;
  onHyperChange?(change: HyperChange): void;
  onError?(error: Error): void;
}

export interface SessionOptions {
  spec: ModelSpec;
  data: TrainingData;
  hyper: Hyperparams;
  callbacks?: SessionCallbacks;
  seed?: number;
  /** Evaluations per epoch (the last one is at the epoch's end). */
  evaluationsPerEpoch?: number;
  /** Read losses back from the device after this many batches… */
  readEvery?: number;
  /** …or after this many milliseconds, whichever comes first. */
  readIntervalMs?: number;
  /** Evaluate the whole training set (small toy data) instead of a running mean. */
  evaluateTrainingSet?: boolean;
  reportPredictions?: boolean;
  /** A loss above this multiple of the first loss counts as runaway. */
  runawayFactor?: number;
  /** Send the weights with every report (tiny models whose parameters the page draws). */
  reportWeights?: boolean;
  /** Slow training down to at most this many steps a second, so a learner can watch each step. */
  stepsPerSecond?: number;
  /**
   * Evaluate at most this often, in ms (0 = at every due point). Tiny toy sets end an epoch every
   * few milliseconds; this keeps evaluations (and the page updates they cause) to a few a second.
   * Pausing evaluates once more, so the last figures shown match the paused model.
   */
  evaluationIntervalMs?: number;
  /** Continue the step and epoch count of an earlier session (after a backend switch). */
  resume?: { step: number; epochsDone: number };
}

const EVAL_CHUNK = 512;

/**
 * One model learning from one dataset: start / pause / step / reset, settings changed live,
 * progress through callbacks, and a divergence guard. Free of DOM and UI, so it runs in a
 * worker, in the page and in Node tests alike.
 */
export class TrainingSession {
  readonly data: TrainingData;
  #spec: ModelSpec;
  #hyper: Hyperparams;
  #callbacks: SessionCallbacks;
  #seed: number;
  #options: Required<Pick<SessionOptions, 'evaluationsPerEpoch' | 'readEvery' | 'readIntervalMs' | 'evaluateTrainingSet' | 'reportPredictions' | 'runawayFactor' | 'reportWeights'>>;
  #stepsPerSecond: number;

  #model: tfl.Sequential;
  #optimizer: tf.Optimizer;
  #state: SessionState = 'idle';
  /** Bumped by pause / reset / dispose so a running loop notices it must stop (TF Playground's timerIndex). */
  #generation = 0;
  #loop: Promise<void> = Promise.resolve();

  #order: Int32Array;
  #random: () => number;
  #cursor = 0;
  #step = 0;
  #epochsDone = 0;
  #targetEpochs = 0;
  #stepsSinceEval = 0;

  #pendingLosses: tf.Scalar[] = [];
  #pendingAccuracies: tf.Scalar[] = [];
  #pendingGradNorm: tf.Scalar | null = null;
  #pendingFirstStep = 0;
  #windowStart = 0;
  #windowExamples = 0;
  #windowSteps = 0;
  #runningLossSum = 0;
  #runningLossCount = 0;
  #runningAccSum = 0;

  #firstLoss: number | null = null;
  #bestFlushLoss = Infinity;
  #snapshot: tf.Tensor[] | null = null;
  #snapshotStep = 0;
  #candidate: tf.Tensor[] | null = null;
  #candidateStep = 0;
  #appliedLearningRate: number;
  #pendingChanges: Partial<Hyperparams> = {};
  #measureGradients = false;
  #evaluationIntervalMs: number;
  #lastEvaluationAt = -Infinity;
  #health = false;
  #lastHealth = 0;

  constructor(options: SessionOptions) {
    this.data = options.data;
    this.#spec = options.spec;
    this.#hyper = { ...options.hyper };
    this.#callbacks = options.callbacks ?? {};
    this.#seed = options.seed ?? 42;
    this.#options = {
      evaluationsPerEpoch: options.evaluationsPerEpoch ?? 4,
      readEvery: options.readEvery ?? 10,
      readIntervalMs: options.readIntervalMs ?? 150,
      evaluateTrainingSet: options.evaluateTrainingSet ?? false,
      reportPredictions: options.reportPredictions ?? false,
      runawayFactor: options.runawayFactor ?? 1e4,
      reportWeights: options.reportWeights ?? false,
    };
    this.#stepsPerSecond = options.stepsPerSecond ?? 0;
    this.#evaluationIntervalMs = Math.max(0, options.evaluationIntervalMs ?? 0);
    validateData(options.data);
    this.#model = buildModel(this.#spec, this.data.inputShape, this.data.outputUnits, this.#seed);
    this.#applyDropout(this.#hyper.dropout);
    this.#appliedLearningRate = this.#currentLearningRate();
    this.#optimizer = createOptimizer(this.#hyper.optimizer as OptimizerName, this.#appliedLearningRate);
    this.#random = createRng(this.#seed);
    this.#order = new Int32Array(this.data.train.count);
    this.#startEpoch();
    if (options.resume) {
      this.#step = options.resume.step;
      this.#epochsDone = options.resume.epochsDone;
      this.#targetEpochs = this.#epochsDone;
    }
  }

  get state(): SessionState {
    return this.#state;
  }
  get step(): number {
    return this.#step;
  }
  get epochsDone(): number {
    return this.#epochsDone;
  }
  get hyperparams(): Hyperparams {
    return { ...this.#hyper };
  }
  get model(): tfl.LayersModel {
    return this.#model;
  }
  get stepsPerEpoch(): number {
    return Math.ceil(this.data.train.count / this.#hyper.batchSize);
  }
  /** 0 = as fast as possible. */
  set stepsPerSecond(rate: number) {
    this.#stepsPerSecond = Number.isFinite(rate) && rate > 0 ? rate : 0;
  }
  /** The health view: gradient norm with every report, dead ReLUs about once a second. */
  set health(on: boolean) {
    this.#health = on;
    this.#measureGradients = on;
  }
  get health(): boolean {
    return this.#health;
  }

  /** Trains until the epoch target is met, or until pause / reset / dispose. */
  train(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'disposed') return this.#loop;
    if (this.#targetEpochs <= this.#epochsDone) this.#targetEpochs = this.#hyper.epochs > 0 ? this.#epochsDone + this.#hyper.epochs : Infinity;
    const generation = ++this.#generation;
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
    if (this.#cursor >= this.data.train.count) await this.#endEpoch(generation, false);
    this.#trainBatch();
    if (!(await this.#flush(generation))) return;
    if (this.#stepsSinceEval >= this.#evalEvery() && !(await this.#evaluate(generation, false))) return;
    this.#setState('paused');
  }

  /** Fresh weights, fresh optimizer, step 0: the same start as a new session with the same seed. */
  async reset(): Promise<void> {
    await this.#stopAndFree();
    this.#model = buildModel(this.#spec, this.data.inputShape, this.data.outputUnits, this.#seed);
    this.#applyDropout(this.#hyper.dropout);
    this.#step = 0;
    this.#epochsDone = 0;
    this.#targetEpochs = 0;
    this.#firstLoss = null;
    this.#bestFlushLoss = Infinity;
    this.#random = createRng(this.#seed);
    this.#appliedLearningRate = this.#currentLearningRate();
    this.#optimizer = createOptimizer(this.#hyper.optimizer as OptimizerName, this.#appliedLearningRate);
    this.#startEpoch();
    this.#setState('idle');
  }

  /**
   * Queues checked settings; they take effect at the next step (also while running).
   * Returns the messages for values that were rejected or clamped.
   */
  setHyperparams(raw: Record<string, unknown>): string[] {
    const { values, messages } = checkValues(TRAINING_SCHEMA, raw);
    Object.assign(this.#pendingChanges, values);
    if (this.#state !== 'running') this.#applyPendingChanges();
    return messages;
  }

  /** Class probabilities (or raw outputs for regression) for `count` examples. */
  async predict(x: Float32Array, count: number): Promise<Float32Array> {
    this.#assertAlive();
    const out = tf.tidy(() => this.#outputToPrediction(this.#model.predict(tf.tensor(x, [count, ...this.data.inputShape])) as tf.Tensor));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }

  /**
   * For each ReLU layer, the share of its units that stay at zero for every example of a probe
   * batch: "dead" units that no longer learn.
   */
  async deadReluFractions(probeSize = 64): Promise<{ layer: string; fraction: number }[]> {
    this.#assertAlive();
    const set = this.data.validation ?? this.data.train;
    const n = Math.min(probeSize, set.count);
    const exampleSize = this.data.inputShape.reduce((a, b) => a * b, 1);
    const names: string[] = [];
    const fractions = tf.tidy(() => {
      let x: tf.Tensor = tf.tensor(set.x.subarray(0, n * exampleSize), [n, ...this.data.inputShape]);
      const parts: tf.Tensor[] = [];
      this.#model.layers.forEach((layer, i) => {
        x = layer.apply(x) as tf.Tensor;
        const config = layer.getConfig() as { activation?: string };
        if (config.activation === 'relu') {
          names.push(`${i + 1}: ${layer.getClassName()}`);
          const alive = tf.cast(tf.any(tf.greater(tf.reshape(x, [n, -1]), 0), 0), 'float32');
          parts.push(tf.sub(1, tf.mean(alive)));
        }
      });
      return parts.length ? tf.stack(parts) : tf.zeros([0]);
    });
    const values = await fractions.data();
    fractions.dispose();
    return names.map((layer, i) => ({ layer, fraction: values[i] }));
  }

  /**
   * What the last hidden layer outputs for `count` examples (count × units, row-major), with the
   * output layer's kernel (units × outputUnits) and bias, so that output = values · kernel + bias:
   * a page can draw how each hidden unit adds to the result. Null when there is no hidden layer.
   */
  async hiddenActivations(x: Float32Array, count: number): Promise<HiddenActivations | null> {
    this.#assertAlive();
    const layers = this.#model.layers;
    if (layers.length < 2) return null;
    const hidden = tf.tidy(() => {
      let h: tf.Tensor = tf.tensor(x, [count, ...this.data.inputShape]);
      for (const layer of layers.slice(0, -1)) h = layer.apply(h) as tf.Tensor;
      return tf.reshape(h, [count, -1]);
    });
    // The output layer's variables themselves (read, not copied): nothing to dispose.
    const [kernel, bias] = layers[layers.length - 1].getWeights();
    try {
      const [values, outputKernel, outputBias] = await Promise.all([hidden.data(), kernel.data(), bias.data()]);
      // Copies: on the cpu backend data() hands out the variables' own storage, and a worker may transfer the reply.
      return { values: values as Float32Array, units: hidden.shape[1]!, outputKernel: Float32Array.from(outputKernel), outputBias: Float32Array.from(outputBias) };
    } finally {
      hidden.dispose();
    }
  }

  /** Current weights as plain arrays (a checkpoint that survives a lost GPU). */
  async readWeights(): Promise<Float32Array[]> {
    return Promise.all(this.#model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  }

  writeWeights(values: Float32Array[]): void {
    const current = this.#model.getWeights();
    if (current.length !== values.length || current.some((w, i) => w.size !== values[i].length)) {
      throw new Error('The saved weights do not match this model.');
    }
    const tensors = current.map((w, i) => tf.tensor(values[i], w.shape));
    this.#model.setWeights(tensors);
    tf.dispose(tensors);
  }

  async dispose(): Promise<void> {
    if (this.#state === 'disposed') return;
    await this.#stopAndFree();
    this.#setState('disposed');
  }

  /** Stops the loop and frees every tensor the session holds: model, optimizer, checkpoints. */
  async #stopAndFree(): Promise<void> {
    await this.pause();
    this.#generation++;
    this.#disposePending();
    this.#disposeCheckpoints();
    this.#model.dispose();
    disposeOptimizer(this.#optimizer);
  }

  // ---- the loop -------------------------------------------------------------------------

  async #run(generation: number): Promise<void> {
    try {
      let lastRead = performance.now();
      while (generation === this.#generation) {
        if (this.#cursor >= this.data.train.count) {
          const finished = await this.#endEpoch(generation);
          if (finished || generation !== this.#generation) break;
          // lastRead is not reset here: on the cpu backend reads resolve as microtasks, so with
          // fewer than readEvery steps an epoch only the time check below yields to the event loop.
        }
        const stepStart = performance.now();
        this.#trainBatch();
        const now = performance.now();
        const paced = this.#stepsPerSecond > 0;
        if (paced || this.#pendingLosses.length >= this.#options.readEvery || now - lastRead >= this.#options.readIntervalMs) {
          const healthy = await this.#flush(generation);
          if (!healthy) return;
          if (this.#stepsSinceEval >= this.#evalEvery() && this.#cursor < this.data.train.count && this.#evaluationDue(false)) {
            if (!(await this.#evaluate(generation, false))) return;
          }
          if (paced) await sleep(Math.max(0, 1000 / this.#stepsPerSecond - (performance.now() - stepStart)));
          lastRead = performance.now();
        }
        // Let queued requests (a new learning rate, pause) in after every step, so a change takes
        // effect at the very next step. A MessageChannel hop costs microseconds.
        await yieldToEventLoop();
      }
      // Stopped by pause(): report what was trained so far.
      if (this.#state === 'running') {
        await this.#flush(this.#generation);
        if (this.#state === 'running' && this.#evaluationIntervalMs > 0 && this.#stepsSinceEval > 0) await this.#evaluate(this.#generation, false);
        if (this.#state === 'running') this.#setState('paused');
      }
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(String(cause));
      this.#disposePending();
      if (this.#state !== 'disposed') this.#setState('paused');
      this.#callbacks.onError?.(error);
    }
  }

  /** Ends an epoch: report, evaluate, reshuffle. Returns true when the epoch target is met. */
  async #endEpoch(generation: number, mayFinish = true): Promise<boolean> {
    if (!(await this.#flush(generation))) return true;
    this.#epochsDone++;
    this.#startEpoch();
    const final = mayFinish && this.#epochsDone >= this.#targetEpochs;
    if (this.#evaluationDue(final) && !(await this.#evaluate(generation, true))) return true;
    if (final) {
      this.#setState('done');
      return true;
    }
    return false;
  }

  #startEpoch(): void {
    for (let i = 0; i < this.#order.length; i++) this.#order[i] = i;
    shuffleInPlace(this.#order, this.#random);
    this.#cursor = 0;
  }

  /** With `evaluationIntervalMs`, skips evaluations that come too soon after the last one (never the final one). */
  #evaluationDue(final: boolean): boolean {
    return final || this.#evaluationIntervalMs <= 0 || performance.now() - this.#lastEvaluationAt >= this.#evaluationIntervalMs;
  }

  #evalEvery(): number {
    return Math.max(1, Math.ceil(this.stepsPerEpoch / this.#options.evaluationsPerEpoch));
  }

  #currentLearningRate(): number {
    const totalSteps = this.#hyper.epochs > 0 ? this.#hyper.epochs * this.stepsPerEpoch : Infinity;
    return scheduledLearningRate(this.#hyper.schedule as ScheduleName, this.#hyper.learningRate, this.#step, this.stepsPerEpoch, totalSteps);
  }

  #applyPendingChanges(): void {
    const changes = this.#pendingChanges;
    const keys = Object.keys(changes) as (keyof Hyperparams)[];
    if (keys.length === 0) return;
    this.#pendingChanges = {};
    const effective: Partial<Hyperparams> = {};
    for (const key of keys) {
      if (this.#hyper[key] !== changes[key]) (effective as Record<string, unknown>)[key] = changes[key];
    }
    Object.assign(this.#hyper, changes);
    if (Object.keys(effective).length === 0) return;
    if (effective.optimizer !== undefined) {
      // A new optimizer starts cleanly on the current weights; the old one's slots are freed.
      disposeOptimizer(this.#optimizer);
      this.#appliedLearningRate = this.#currentLearningRate();
      this.#optimizer = createOptimizer(this.#hyper.optimizer as OptimizerName, this.#appliedLearningRate);
    }
    if (effective.dropout !== undefined) this.#applyDropout(this.#hyper.dropout);
    if (effective.epochs !== undefined && this.#state === 'running') {
      this.#targetEpochs = this.#hyper.epochs > 0 ? Math.max(this.#epochsDone + 1, this.#hyper.epochs) : Infinity;
    }
    this.#callbacks.onHyperChange?.({ step: this.#step, changes: effective });
  }

  #applyDropout(rate: number): void {
    for (const layer of this.#model.layers) {
      // tfjs reads `rate` on every call; it is readonly only in the type declarations.
      if (layer.getClassName() === 'Dropout') (layer as unknown as { rate: number }).rate = rate;
    }
  }

  #trainBatch(): void {
    this.#applyPendingChanges();
    const lr = this.#currentLearningRate();
    if (lr !== this.#appliedLearningRate) {
      setOptimizerLearningRate(this.#optimizer, lr);
      this.#appliedLearningRate = lr;
    }
    const { train, inputShape } = this.data;
    const exampleSize = inputShape.reduce((a, b) => a * b, 1);
    const size = Math.min(this.#hyper.batchSize, train.count - this.#cursor);
    const xs = new Float32Array(size * exampleSize);
    const targetWidth = this.data.loss === 'meanSquaredError' ? this.data.outputUnits : 1;
    const ys = this.data.loss === 'softmaxCrossEntropy' ? new Int32Array(size) : new Float32Array(size * targetWidth);
    for (let k = 0; k < size; k++) {
      const i = this.#order[this.#cursor + k];
      xs.set(train.x.subarray(i * exampleSize, (i + 1) * exampleSize), k * exampleSize);
      for (let j = 0; j < targetWidth; j++) ys[k * targetWidth + j] = train.y[i * targetWidth + j];
    }
    this.#cursor += size;
    if (this.#pendingLosses.length === 0) {
      this.#pendingFirstStep = this.#step;
      if (this.#windowSteps === 0) this.#windowStart = performance.now();
    }

    const variables = this.#model.trainableWeights.map((w) => w.read() as tf.Variable);
    const kept: { accuracy?: tf.Scalar; gradNorm?: tf.Scalar } = {};
    const loss = tf.tidy(() => {
      const x = tf.tensor(xs, [size, ...inputShape]);
      const y = this.#targets(ys, size);
      const { value, grads } = tf.variableGrads(() => {
        const output = this.#model.apply(x, { training: true }) as tf.Tensor;
        const acc = this.#accuracy(output, y);
        if (acc) kept.accuracy = tf.keep(acc);
        return tf.add(this.#loss(output, y), this.#regularization()) as tf.Scalar;
      }, variables);
      if (this.#measureGradients) {
        kept.gradNorm = tf.keep(tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
      }
      this.#optimizer.applyGradients(grads);
      return value;
    });
    this.#pendingLosses.push(loss);
    if (kept.accuracy) this.#pendingAccuracies.push(kept.accuracy);
    if (kept.gradNorm) {
      this.#pendingGradNorm?.dispose();
      this.#pendingGradNorm = kept.gradNorm;
    }
    this.#step++;
    this.#stepsSinceEval++;
    this.#windowExamples += size;
    this.#windowSteps++;
  }

  #targets(ys: Float32Array | Int32Array, size: number): tf.Tensor {
    switch (this.data.loss) {
      case 'softmaxCrossEntropy':
        return tf.oneHot(tf.tensor1d(ys as Int32Array, 'int32'), this.data.outputUnits);
      case 'sigmoidCrossEntropy':
        return tf.tensor2d(ys, [size, 1]);
      case 'meanSquaredError':
        return tf.tensor2d(ys, [size, this.data.outputUnits]);
    }
  }

  #loss(output: tf.Tensor, y: tf.Tensor): tf.Scalar {
    switch (this.data.loss) {
      case 'softmaxCrossEntropy':
        return tf.losses.softmaxCrossEntropy(y, output) as tf.Scalar;
      case 'sigmoidCrossEntropy':
        return tf.losses.sigmoidCrossEntropy(y, output) as tf.Scalar;
      case 'meanSquaredError':
        return tf.losses.meanSquaredError(y, output) as tf.Scalar;
    }
  }

  /** Sum of per-example losses, for evaluation in chunks. */
  #lossSum(output: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return tf.mul(this.#loss(output, y), output.shape[0]);
  }

  #accuracy(output: tf.Tensor, y: tf.Tensor): tf.Scalar | null {
    switch (this.data.loss) {
      case 'softmaxCrossEntropy':
        return tf.mean(tf.cast(tf.equal(tf.argMax(output, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar;
      case 'sigmoidCrossEntropy':
        return tf.mean(tf.cast(tf.equal(tf.greater(output, 0), tf.greater(y, 0.5)), 'float32')) as tf.Scalar;
      case 'meanSquaredError':
        return null;
    }
  }

  #regularization(): tf.Scalar {
    const { l1, l2 } = this.#hyper;
    if (l1 === 0 && l2 === 0) return tf.scalar(0);
    // Penalise the kernels only, as Keras does: biases shift, they do not overfit.
    const kernels = this.#model.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => w.read());
    let total: tf.Scalar = tf.scalar(0);
    for (const w of kernels) {
      if (l2 > 0) total = tf.add(total, tf.mul(l2, tf.sum(tf.square(w)))) as tf.Scalar;
      if (l1 > 0) total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(w)))) as tf.Scalar;
    }
    return total;
  }

  #outputToPrediction(output: tf.Tensor): tf.Tensor {
    switch (this.data.loss) {
      case 'softmaxCrossEntropy':
        return tf.softmax(output);
      case 'sigmoidCrossEntropy':
        return tf.sigmoid(output);
      case 'meanSquaredError':
        return output;
    }
  }

  /** Reads the kept batch losses back in one go, checks them, and reports. False when training diverged. */
  async #flush(generation: number): Promise<boolean> {
    if (this.#pendingLosses.length === 0) return true;
    const losses = this.#pendingLosses;
    const accuracies = this.#pendingAccuracies;
    const gradNorm = this.#pendingGradNorm;
    this.#pendingLosses = [];
    this.#pendingAccuracies = [];
    this.#pendingGradNorm = null;
    const firstStep = this.#pendingFirstStep;
    const packed = tf.tidy(() => tf.concat([tf.stack(losses), accuracies.length ? tf.stack(accuracies) : tf.zeros([0]), gradNorm ? tf.reshape(gradNorm, [1]) : tf.zeros([0])]));
    tf.dispose([...losses, ...accuracies]);
    gradNorm?.dispose();
    let values: Float32Array;
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
    const lossValues = Array.from(values.subarray(0, losses.length));
    const accValues = values.subarray(losses.length, losses.length + accuracies.length);
    const gradientNorm = gradNorm ? values[values.length - 1] : undefined;
    if (this.#state === 'disposed') return false;

    const bad = this.#checkDivergence(lossValues);
    if (bad) {
      this.#recoverFromDivergence(bad.index, bad.reason, lossValues[bad.index], firstStep);
      return false;
    }
    // Only a calm state is worth going back to: not one where the loss is already climbing.
    const mean = lossValues.reduce((a, b) => a + b, 0) / lossValues.length;
    this.#bestFlushLoss = Math.min(this.#bestFlushLoss, mean);
    if (mean <= 3 * this.#bestFlushLoss) this.#takeSnapshot();

    for (const l of lossValues) this.#runningLossSum += l;
    this.#runningLossCount += lossValues.length;
    let accMean: number | undefined;
    if (accValues.length) {
      let s = 0;
      for (const a of accValues) s += a;
      this.#runningAccSum += s;
      accMean = s / accValues.length;
    }
    const weights = this.#options.reportWeights ? (await this.readWeights()).map((w) => Array.from(w)) : undefined;
    let deadRelu: StepProgress['deadRelu'];
    if (this.#health && performance.now() - this.#lastHealth > 1000) {
      this.#lastHealth = performance.now();
      deadRelu = await this.deadReluFractions();
    }
    const elapsed = Math.max(1e-3, performance.now() - this.#windowStart);
    const progress: StepProgress = {
      weights,
      deadRelu,
      step: this.#step,
      epoch: this.#epochsDone + this.#cursor / this.data.train.count,
      losses: lossValues,
      firstStep,
      trainAccuracy: accMean,
      examplesPerSecond: (this.#windowExamples / elapsed) * 1000,
      msPerStep: elapsed / Math.max(1, this.#windowSteps),
      learningRate: this.#appliedLearningRate,
      gradientNorm,
    };
    this.#windowExamples = 0;
    this.#windowSteps = 0;
    if (generation === this.#generation || this.#state !== 'running') this.#callbacks.onStep?.(progress);
    return true;
  }

  #checkDivergence(losses: number[]): { index: number; reason: 'nonFinite' | 'runaway' } | null {
    for (let i = 0; i < losses.length; i++) {
      const l = losses[i];
      if (!Number.isFinite(l)) return { index: i, reason: 'nonFinite' };
      if (this.#firstLoss === null) this.#firstLoss = Math.max(l, 1e-6);
      if (l > this.#options.runawayFactor * this.#firstLoss) return { index: i, reason: 'runaway' };
    }
    return null;
  }

  /**
   * A step's loss is measured before its update, so the weights after a healthy report are not
   * yet proven: they become the restore point only when the next report is healthy too.
   */
  #takeSnapshot(): void {
    const fresh = this.#model.getWeights().map((w) => tf.keep(w.clone()));
    if (this.#candidate) {
      this.#disposeSnapshot();
      this.#snapshot = this.#candidate;
      this.#snapshotStep = this.#candidateStep;
    }
    this.#candidate = fresh;
    this.#candidateStep = this.#step;
  }

  #recoverFromDivergence(index: number, reason: 'nonFinite' | 'runaway', loss: number, firstStep: number): void {
    this.#generation++;
    const restoredStep = this.#snapshot ? this.#snapshotStep : 0;
    if (this.#snapshot) {
      this.#model.setWeights(this.#snapshot);
    } else {
      // Diverged before any good state was seen: start again from the initial weights.
      this.#model.dispose();
      this.#model = buildModel(this.#spec, this.data.inputShape, this.data.outputUnits, this.#seed);
      this.#applyDropout(this.#hyper.dropout);
    }
    this.#step = restoredStep;
    if (this.#candidate) tf.dispose(this.#candidate);
    this.#candidate = null;
    // The optimizer's moments may be poisoned too: start a clean one.
    disposeOptimizer(this.#optimizer);
    this.#optimizer = createOptimizer(this.#hyper.optimizer as OptimizerName, this.#appliedLearningRate);
    this.#windowExamples = 0;
    this.#windowSteps = 0;
    const lr = this.#appliedLearningRate;
    const first = this.#firstLoss ?? 0;
    const at = firstStep + index;
    const what =
      reason === 'nonFinite'
        ? `the loss became ${Number.isNaN(loss) ? 'NaN (not a number)' : 'infinite'} at step ${at}`
        : `the loss shot up to ${formatNumber(loss)} at step ${at}, over ${formatNumber(this.#options.runawayFactor)} times its first value (${formatNumber(first)})`;
    const message =
      `Training diverged: ${what}. The learning rate (${formatNumber(lr)}) is most likely too large, so each step overshoots the minimum ` +
      `and the weights grow without bound. Training is paused and the weights from step ${restoredStep} are restored. ` +
      `Try a learning rate about 10× smaller${this.#hyper.optimizer === 'sgd' ? ', or switch to Adam' : ''}, then start training again.`;
    this.#setState('diverged');
    this.#callbacks.onDiverged?.({ step: at, reason, loss: Number.isFinite(loss) ? loss : null, firstLoss: first, learningRate: lr, message, restoredStep });
  }

  async #evaluate(generation: number, endOfEpoch: boolean): Promise<boolean> {
    this.#stepsSinceEval = 0;
    this.#lastEvaluationAt = performance.now();
    const evaluation: Evaluation = {
      step: this.#step,
      epoch: this.#epochsDone + (endOfEpoch ? 0 : this.#cursor / this.data.train.count),
      trainLoss: this.#runningLossCount ? this.#runningLossSum / this.#runningLossCount : NaN,
      trainAccuracy: this.#pendingAccuracyMean(),
      endOfEpoch,
    };
    this.#runningLossSum = 0;
    this.#runningLossCount = 0;
    this.#runningAccSum = 0;
    if (this.#options.evaluateTrainingSet) {
      const r = await this.#evaluateOn(this.data.train, false);
      evaluation.trainLoss = r.loss;
      evaluation.trainAccuracy = r.accuracy;
    }
    if (this.data.validation) {
      const r = await this.#evaluateOn(this.data.validation, this.#options.reportPredictions);
      evaluation.valLoss = r.loss;
      evaluation.valAccuracy = r.accuracy;
      evaluation.predictions = r.predictions;
    }
    if (this.#state === 'disposed') return false;
    const losses = [evaluation.trainLoss, evaluation.valLoss].filter((l): l is number => l !== undefined && !Number.isNaN(l));
    if (losses.some((l) => !Number.isFinite(l))) {
      this.#recoverFromDivergence(0, 'nonFinite', Infinity, this.#step);
      return false;
    }
    if (generation === this.#generation || this.#state !== 'running') this.#callbacks.onEvaluate?.(evaluation);
    return true;
  }

  #pendingAccuracyMean(): number | undefined {
    if (this.data.loss === 'meanSquaredError' || this.#runningLossCount === 0) return undefined;
    return this.#runningAccSum / this.#runningLossCount;
  }

  async #evaluateOn(set: Examples, withPredictions: boolean): Promise<{ loss: number; accuracy?: number; predictions?: Uint8Array }> {
    const { inputShape } = this.data;
    const exampleSize = inputShape.reduce((a, b) => a * b, 1);
    const targetWidth = this.data.loss === 'meanSquaredError' ? this.data.outputUnits : 1;
    const classify = this.data.loss !== 'meanSquaredError';
    const sums: tf.Tensor[] = [];
    const predictionParts: tf.Tensor[] = [];
    for (let start = 0; start < set.count; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, set.count - start);
      tf.tidy(() => {
        const x = tf.tensor(set.x.subarray(start * exampleSize, (start + size) * exampleSize), [size, ...inputShape]);
        const y = this.#targets(set.y.subarray(start * targetWidth, (start + size) * targetWidth), size);
        const output = this.#model.predict(x) as tf.Tensor;
        const acc = this.#accuracy(output, y);
        sums.push(tf.keep(tf.stack([this.#lossSum(output, y), acc ? tf.mul(acc, size) : tf.scalar(0)])));
        if (withPredictions && classify) {
          predictionParts.push(tf.keep(this.data.loss === 'softmaxCrossEntropy' ? tf.argMax(output, 1) : tf.cast(tf.greater(tf.reshape(output, [-1]), 0), 'int32')));
        }
      });
    }
    const total = tf.tidy(() => tf.addN(sums));
    const predictions = predictionParts.length ? tf.concat(predictionParts) : null;
    tf.dispose([...sums, ...predictionParts]);
    try {
      const [lossSum, correct] = await total.data();
      const result: { loss: number; accuracy?: number; predictions?: Uint8Array } = { loss: lossSum / set.count };
      if (classify) result.accuracy = correct / set.count;
      if (predictions) result.predictions = Uint8Array.from(await predictions.data());
      return result;
    } finally {
      total.dispose();
      predictions?.dispose();
    }
  }

  #disposePending(): void {
    tf.dispose([...this.#pendingLosses, ...this.#pendingAccuracies]);
    this.#pendingGradNorm?.dispose();
    this.#pendingLosses = [];
    this.#pendingAccuracies = [];
    this.#pendingGradNorm = null;
    this.#windowExamples = 0;
    this.#windowSteps = 0;
  }

  #disposeSnapshot(): void {
    if (this.#snapshot) tf.dispose(this.#snapshot);
    this.#snapshot = null;
  }

  #disposeCheckpoints(): void {
    this.#disposeSnapshot();
    if (this.#candidate) tf.dispose(this.#candidate);
    this.#candidate = null;
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

function validateData(data: TrainingData): void {
  const exampleSize = data.inputShape.reduce((a, b) => a * b, 1);
  const check = (set: Examples, name: string) => {
    if (set.count < 1) throw new Error(`The ${name} set is empty.`);
    if (set.x.length !== set.count * exampleSize) throw new Error(`The ${name} inputs have the wrong size.`);
    const width = data.loss === 'meanSquaredError' ? data.outputUnits : 1;
    if (set.y.length !== set.count * width) throw new Error(`The ${name} targets have the wrong size.`);
  };
  check(data.train, 'training');
  if (data.validation) check(data.validation, 'validation');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return n.toExponential(2);
  return Number(n.toPrecision(4)).toString();
}

export type { Values };
