import { tf } from './tf';

/** What one readback of the kept batch results gives. */
export interface ReadResults {
  /** The batch losses since the last readback, oldest first; the first is for step `firstStep`. */
  losses: number[];
  firstStep: number;
  /** Mean training accuracy of those batches (classification only). */
  trainAccuracy?: number;
  /** The gradient norm of the last of those batches (health view only). */
  gradientNorm?: number;
  /** Batch accuracies, summed, for the running mean. */
  accuracySum: number;
  accuracyCount: number;
}

/**
 * Batch losses (and accuracies, the gradient norm) kept on the device between readbacks, read
 * back together: on a GPU a per-batch readback stalls the pipeline. Also keeps the throughput
 * window and the running means an evaluation reports when it does not pass over the training set.
 */
export class ReportBuffer {
  #losses: tf.Scalar[] = [];
  #accuracies: tf.Scalar[] = [];
  #gradNorm: tf.Scalar | null = null;
  #firstStep = 0;
  #windowStart = 0;
  #trainStart: number | null = null;
  #msToFirstStep: number | null = null;
  #windowExamples = 0;
  #windowSteps = 0;
  #lossSum = 0;
  #lossCount = 0;
  #accuracySum = 0;
  #now: () => number;

  /** `now`: the clock the throughput window and the time to the first step are measured with. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Batches kept since the last readback. */
  get length(): number {
    return this.#losses.length;
  }

  /** Marks the start of step `step`, before its results are added. */
  startStep(step: number): void {
    if (this.#trainStart !== null) {
      this.#msToFirstStep = this.#now() - this.#trainStart;
      this.#trainStart = null;
    }
    if (this.#losses.length > 0) return;
    this.#firstStep = step;
  }

  /** Keeps one batch's results (the buffer owns the tensors from here on). */
  add(loss: tf.Scalar, accuracy: tf.Scalar | undefined, gradNorm: tf.Scalar | undefined, examples: number): void {
    this.#losses.push(loss);
    if (accuracy) this.#accuracies.push(accuracy);
    if (gradNorm) {
      this.#gradNorm?.dispose();
      this.#gradNorm = gradNorm;
    }
    this.#windowExamples += examples;
    this.#windowSteps++;
  }

  /** Reads everything kept back in one go and frees it; null when nothing was kept. */
  async read(): Promise<ReadResults | null> {
    if (this.#losses.length === 0) return null;
    const losses = this.#losses;
    const accuracies = this.#accuracies;
    const gradNorm = this.#gradNorm;
    this.#losses = [];
    this.#accuracies = [];
    this.#gradNorm = null;
    const packed = tf.tidy(() => tf.concat([tf.stack(losses), accuracies.length ? tf.stack(accuracies) : tf.zeros([0]), gradNorm ? tf.reshape(gradNorm, [1]) : tf.zeros([0])]));
    tf.dispose([...losses, ...accuracies]);
    gradNorm?.dispose();
    let values: Float32Array;
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
    let accuracySum = 0;
    for (const a of values.subarray(losses.length, losses.length + accuracies.length)) accuracySum += a;
    return {
      losses: Array.from(values.subarray(0, losses.length)),
      firstStep: this.#firstStep,
      trainAccuracy: accuracies.length ? accuracySum / accuracies.length : undefined,
      gradientNorm: gradNorm ? values[values.length - 1] : undefined,
      accuracySum,
      accuracyCount: accuracies.length,
    };
  }

  /** Marks a train request: the next step's start gives the time to the first step. */
  markStart(): void {
    this.#trainStart = this.#now();
    this.#windowStart = this.#trainStart;
  }

  /** Counts a healthy readback into the running means and closes the throughput window. */
  accept(read: ReadResults): { examplesPerSecond: number; msPerStep: number; msToFirstStep?: number } {
    for (const l of read.losses) this.#lossSum += l;
    this.#lossCount += read.losses.length;
    this.#accuracySum += read.accuracySum;
    // Wall-clock time since the last report (or since Train): evaluations, readbacks and pacing
    // count, so the speed shown is the examples a second the learner actually gets.
    const now = this.#now();
    const elapsed = Math.max(1e-3, now - this.#windowStart);
    this.#windowStart = now;
    const rates = { examplesPerSecond: (this.#windowExamples / elapsed) * 1000, msPerStep: elapsed / Math.max(1, this.#windowSteps), ...(this.#msToFirstStep !== null ? { msToFirstStep: this.#msToFirstStep } : {}) };
    this.#msToFirstStep = null;
    this.resetWindow();
    return rates;
  }

  /** The mean loss and accuracy since the last call (NaN / undefined when no batch was counted). */
  takeRunningMeans(): { loss: number; accuracy?: number } {
    const means = this.#lossCount ? { loss: this.#lossSum / this.#lossCount, accuracy: this.#accuracySum / this.#lossCount } : { loss: NaN };
    this.#lossSum = 0;
    this.#lossCount = 0;
    this.#accuracySum = 0;
    return means;
  }

  resetWindow(): void {
    this.#windowExamples = 0;
    this.#windowSteps = 0;
  }

  /** Frees what is kept without reading it. */
  dispose(): void {
    tf.dispose([...this.#losses, ...this.#accuracies]);
    this.#gradNorm?.dispose();
    this.#losses = [];
    this.#accuracies = [];
    this.#gradNorm = null;
    this.resetWindow();
  }
}
