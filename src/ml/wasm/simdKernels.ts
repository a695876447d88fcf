import { tf } from '../tf';
import { instantiateKernels, type KernelExports } from './kernels/instantiate';
import { switchedOn } from './switches';

/**
 * Hand-written WebAssembly SIMD kernels (src/ml/wasm/kernels/*.wat; the simdKernels part) that work directly on
 * tfjs-backend-wasm's heap: the module imports the backend's own memory, so a kernel reads its
 * inputs and writes its outputs where tfjs keeps them, with no copy. Each is registered as a tfjs
 * kernel for wasm (the engine tracks, frees and profiles its outputs like any other) and does in
 * one pass what took several generic kernels.
 *
 * Each call runs whole on the thread that makes it (the worker's), whatever the thread count:
 * tfjs's wasm threads serve XNNPACK's kernels only. They run on either wasm build: for the
 * threaded build (the one several threads start), whose heap is shared, each module is assembled
 * a second time to import a shared memory. Where they cannot run (another backend, channel counts
 * they do not cover) the callers keep their tfjs-op paths.
 */

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type WasmBackend = {
  // The plain build exports its memory (asm.memory); the threaded build creates it in JavaScript.
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): TensorInfo;
};
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };

/**
 * Each wasm backend's kernels, bound to its heap, or null where they cannot run there: found at
 * the backend's first use and dropped with it. A cache of what that backend's heap allows, not a
 * setting; keyed by the backend, since that is all tfjs hands a kernel.
 */
const kernelsByBackend = new WeakMap<object, KernelExports | null>();

/** The wasm backend's heap. */
function heapOf(backend: WasmBackend): WebAssembly.Memory | null {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** The kernels bound to this backend's heap, or null where they cannot run (see above). */
function kernelsFor(backend: WasmBackend): KernelExports | null {
  let kernels = kernelsByBackend.get(backend);
  if (kernels === undefined) {
    try {
      const memory = heapOf(backend);
      kernels = memory ? instantiateKernels(memory) : null;
    } catch {
      kernels = null;
    }
    kernelsByBackend.set(backend, kernels);
  }
  return kernels;
}

const POOL_GRADIENT = 'GradientLabPoolGradient';
const FILTER_GRADIENT = 'GradientLabConvFilterGradient';
const INPUT_GRADIENT = 'GradientLabConvInputGradient';
const ADAM = 'GradientLabAdam';

type At = (t: TensorInfo) => number;

/** Registers, unless it is already, a wasm kernel that runs one of the SIMD kernels; `at` gives a tensor's byte offset on the heap. */
function registerHeapKernel(kernelName: string, run: (args: KernelArgs, kernels: KernelExports, at: At) => TensorInfo | TensorInfo[]): void {
  if (tf.getKernel(kernelName, 'wasm')) return;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const kernels = kernelsFor(args.backend);
      if (!kernels) throw new Error('The SIMD kernels cannot run on this wasm backend.');
      return run(args, kernels, (t) => args.backend.dataIdMap.get(t.dataId).memoryOffset);
    }) as unknown as tf.KernelFunc,
  });
}

/** Registers the four kernels for wasm, once, under names of their own: no tfjs kernel is replaced. */
export function registerSimdKernels(): void {
  registerHeapKernel(POOL_GRADIENT, ({ inputs, backend, attrs }, kernels, at) => {
    const { y, pooled, dy } = inputs;
    const [ph, pw] = attrs.pool as [number, number];
    const [batch, h, w, c] = y.shape;
    const [, oh, ow] = pooled.shape;
    const dz = backend.makeOutput(y.shape, 'float32');
    const dbias = backend.makeOutput([c], 'float32');
    kernels.poolGradient(at(y), at(pooled), at(dy), at(dz), at(dbias), batch, h, w, c, oh, ow, ph, pw);
    return [dz, dbias];
  });
  registerHeapKernel(FILTER_GRADIENT, ({ inputs, backend, attrs }, kernels, at) => {
    const { x, dz } = inputs;
    const [kh, kw, , o] = attrs.filterShape as [number, number, number, number];
    const [top, left] = attrs.padding as [number, number];
    const [batch, h, w, c] = x.shape;
    const [, oh, ow] = dz.shape;
    const dw = backend.makeOutput([kh, kw, c, o], 'float32');
    kernels.convFilterGradient(at(x), at(dz), at(dw), batch, h, w, c, oh, ow, o, kh, kw, top, left);
    return dw;
  });
  registerHeapKernel(INPUT_GRADIENT, ({ inputs, backend, attrs }, kernels, at) => {
    const { dz, wt } = inputs;
    const [batch, h, w, c] = attrs.inputShape as [number, number, number, number];
    const [top, left] = attrs.padding as [number, number];
    const [kh, kw, o] = wt.shape;
    const [, oh, ow] = dz.shape;
    const dx = backend.makeOutput([batch, h, w, c], 'float32');
    kernels.convInputGradient(at(dz), at(wt), at(dx), batch, h, w, c, oh, ow, o, kh, kw, top, left);
    return dx;
  });
  registerHeapKernel(ADAM, ({ inputs, backend, attrs }, kernels, at) => {
    const { w, g, m, v } = inputs;
    const a = attrs as unknown as AdamConstants;
    const [wOut, mOut, vOut] = [0, 1, 2].map(() => backend.makeOutput(w.shape, 'float32'));
    const size = w.shape.reduce((x, y) => x * y, 1);
    kernels.adam(at(w), at(g), at(m), at(v), at(wOut), at(mOut), at(vOut), size, a.beta1, a.beta2, a.keep1, a.keep2, a.step, a.scale, a.epsilon);
    return [wOut, mOut, vOut];
  });
}

/** Whether the SIMD kernels run on the current backend: switched on (installWasm), on wasm, with its heap found. */
export function simdKernelsAvailable(): boolean {
  return switchedOn('simdKernels') && tf.getBackend() === 'wasm' && kernelsFor(tf.backend() as unknown as WasmBackend) !== null;
}

/**
 * The gradient of conv (ReLU) → max pool with tiling windows, in one pass: `dy` (the pooled
 * gradient) passes where the window's maximum `pooled` is above 0, goes to the position(s) of `y`
 * equal to it (ties share), and is summed per channel for the bias. Returns [dz, dbias], or null
 * where the SIMD kernels cannot run (the caller then uses its tfjs ops).
 */
export function simdPoolGradient(dy: tf.Tensor4D, y: tf.Tensor4D, pooled: tf.Tensor4D, pool: [number, number]): [tf.Tensor4D, tf.Tensor1D] | null {
  if (y.shape[3] % 4 !== 0 || !simdKernelsAvailable()) return null;
  const [dz, dbias] = tf.engine().runKernel(POOL_GRADIENT, { y, pooled, dy }, { pool } as never) as unknown as [tf.Tensor4D, tf.Tensor1D];
  return [dz, dbias];
}

/**
 * The filter gradient of a stride-1 NHWC convolution (`top`, `left`: the forward pass's padding
 * before the first row and column), in one SIMD pass over the input and the output gradient.
 * Null where the SIMD kernels cannot run or the output channels are not a multiple of 8.
 */
export function simdFilterGradient(x: tf.Tensor4D, dz: tf.Tensor4D, filterShape: [number, number, number, number], top: number, left: number): tf.Tensor4D | null {
  if (filterShape[3] % 8 !== 0 || !simdKernelsAvailable()) return null;
  return tf.engine().runKernel(FILTER_GRADIENT, { x, dz }, { filterShape, padding: [top, left] } as never) as unknown as tf.Tensor4D;
}

/**
 * The input gradient of a stride-1 NHWC convolution (`top`, `left`: the forward pass's padding),
 * in one SIMD pass that visits only the taps landing inside dz. Null where the SIMD kernels cannot
 * run or the input channels are not a multiple of 8.
 */
export function simdInputGradient(dz: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number], top: number, left: number): tf.Tensor4D | null {
  if (inputShape[3] % 8 !== 0 || !simdKernelsAvailable()) return null;
  return tf.tidy(() => {
    const wt = tf.transpose(filter, [0, 1, 3, 2]);
    return tf.engine().runKernel(INPUT_GRADIENT, { dz, wt }, { inputShape, padding: [top, left] } as never) as unknown as tf.Tensor4D;
  });
}

/** One Adam step's constants (hostAdam.ts): the moments' decay and share, the step and the bias correction. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  keep1: number;
  keep2: number;
  /** −lr / (1 − β1^t) */
  step: number;
  /** 1 / √(1 − β2^t) */
  scale: number;
  epsilon: number;
}

/**
 * One Adam step over a weight tensor in one SIMD pass: [new weights, new first moment, new second
 * moment]. Null where the SIMD kernels cannot run (HostAdam then uses tfjs's Adam).
 */
export function simdAdamStep(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, constants: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (!simdKernelsAvailable()) return null;
  return tf.engine().runKernel(ADAM, { w, g, m, v }, constants as never) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
