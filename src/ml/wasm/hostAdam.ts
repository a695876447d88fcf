import { tf } from '../tf';
import { simdAdamStep, simdKernelsAvailable, type AdamConstants } from './simdKernels';

/** Weight tensors up to this many values are updated in JavaScript; larger ones by wasm's SIMD kernel or tfjs's. */
export const SMALL_TENSOR = 16_384;

/**
 * Adam with its arithmetic in JavaScript, for the backends whose tensors live in ordinary memory
 * (wasm and cpu). tfjs's AdamOptimizer runs about a dozen element-wise kernels per weight tensor
 * (the two moments, their bias corrections, the square root, the step): 76 of the digit CNN's
 * 209 kernels per training step, each paying tfjs's dispatch cost while the weights themselves
 * are tiny (the CNN has 6,000). Here a small weight tensor's update is one loop over its values,
 * with the gradient read and the new values written once (the CNN's whole update: 0.08–0.16 ms instead
 * of 0.4–0.56 ms in Node). A JavaScript loop costs about 7 ns a value, more than wasm's SIMD
 * kernels once a tensor is large, so tensors over SMALL_TENSOR values (the MLP's 784×128 layer)
 * take one SIMD pass on wasm's heap (simdKernels.ts) and an inner tfjs Adam elsewhere. The
 * same formula as tfjs's Adam (tfjs-core/src/optimizers/adam_optimizer.ts: same defaults, same
 * bias correction, epsilon added after the square root), so training follows the same path to
 * float rounding (tests/ml/wasm/hostAdam.test.ts). GPU backends keep tfjs's Adam: a readback there stalls the device.
 * The hostAdam part: createOptimizer asks wasmPart('hostAdam'); the large tensors' SIMD pass is the simdKernels part's.
 */
export class HostAdam extends tf.Optimizer {
  /** Name matters for tfjs's serialisation registry, as for tfjs's own Adam. */
  static get className(): string {
    return 'Adam';
  }

  /** Read at every step, so it can change while training (setOptimizerLearningRate). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** beta1^t and beta2^t for the coming step t (tfjs keeps them as variables). */
  #accBeta1: number;
  #accBeta2: number;
  readonly #moments = new Map<string, { first: Float32Array; second: Float32Array }>();
  /** Moments of the large tensors updated by the wasm SIMD kernel, kept on wasm's heap. */
  readonly #heapMoments = new Map<string, { first: tf.Tensor; second: tf.Tensor }>();
  /** tfjs's own Adam for the large tensors, made at their first step. */
  #large: tf.Optimizer | null = null;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super();
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.#accBeta1 = Math.fround(beta1);
    this.#accBeta2 = Math.fround(beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor]) : Object.entries(variableGradients);
    // tfjs computes 1 − beta^t in float32.
    const correction1 = Math.fround(1 - this.#accBeta1);
    const correction2 = Math.fround(1 - this.#accBeta2);
    const { beta1, beta2, epsilon, learningRate } = this;
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    // −lr · (m / c1) / (√(v / c2) + ε), with the constant factors taken out of the loop.
    const step = -learningRate / correction1;
    const scale = 1 / Math.sqrt(correction2);
    const large: tf.NamedTensorMap = {};
    tf.tidy(() => {
      for (const [name, gradient] of entries) {
        if (!gradient) continue;
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`Adam: no variable named ${name}.`);
        if (gradient.size > SMALL_TENSOR) {
          if (!this.#heapStep(name, variable, gradient, { beta1, beta2, keep1, keep2, step, scale, epsilon })) large[name] = gradient;
          continue;
        }
        const g = gradient.dataSync() as Float32Array;
        // A copy: on the cpu backend dataSync hands out the tensor's own storage.
        const w = (variable.dataSync() as Float32Array).slice();
        let state = this.#moments.get(name);
        if (!state) {
          state = { first: new Float32Array(w.length), second: new Float32Array(w.length) };
          this.#moments.set(name, state);
        }
        const { first, second } = state;
        const length = w.length;
        for (let i = 0; i < length; i++) {
          const gi = g[i];
          const m = first[i] * beta1 + gi * keep1;
          const v = second[i] * beta2 + gi * gi * keep2;
          first[i] = m;
          second[i] = v;
          w[i] += (step * m) / (Math.sqrt(v) * scale + epsilon);
        }
        variable.assign(tf.tensor(w, variable.shape, 'float32'));
      }
    });
    if (Object.keys(large).length > 0) {
      this.#large ??= tf.train.adam(learningRate, beta1, beta2, epsilon);
      (this.#large as unknown as { learningRate: number }).learningRate = learningRate;
      this.#large.applyGradients(large);
    }
    this.#accBeta1 = Math.fround(this.#accBeta1 * beta1);
    this.#accBeta2 = Math.fround(this.#accBeta2 * beta2);
    this.incrementIterations();
  }

  /**
   * A large tensor's step on wasm: one SIMD pass (simdKernels.ts) where tfjs's Adam runs about a
   * dozen kernels, each a pass over the tensor. False where that kernel cannot run.
   */
  #heapStep(name: string, variable: tf.Variable, gradient: tf.Tensor, constants: AdamConstants): boolean {
    let state = this.#heapMoments.get(name);
    if (!state) {
      if (!simdKernelsAvailable()) return false;
      state = { first: tf.keep(tf.zerosLike(variable)), second: tf.keep(tf.zerosLike(variable)) };
      this.#heapMoments.set(name, state);
    }
    const next = simdAdamStep(variable, gradient, state.first, state.second, constants);
    if (!next) return false;
    const [w, first, second] = next;
    variable.assign(w);
    tf.dispose([state.first, state.second]);
    state.first = tf.keep(first);
    state.second = tf.keep(second);
    return true;
  }

  override dispose(): void {
    this.#moments.clear();
    for (const { first, second } of this.#heapMoments.values()) tf.dispose([first, second]);
    this.#heapMoments.clear();
    this.#large?.dispose();
    this.#large = null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
