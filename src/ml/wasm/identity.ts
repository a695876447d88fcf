import { tf } from '../tf';

/**
 * tfjs saves every tensor a gradient needs with `clone()`, which runs the Identity kernel. On cpu
 * and WebGL that kernel shares the data (one more reference); on wasm it copies it. The digit
 * CNN's conv blocks save their input, their activations and the pooled output: 23 copies a
 * step, 0.2–0.27 ms of a 13 ms step. This registers, for wasm, an Identity that shares the
 * data the way the other backends do. Safe for the same reason it is there: no tfjs kernel
 * writes into its inputs, and wasm counts references (its disposeData frees data at 0).
 */
type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type Backend = { incRef(dataId: object): void };
type Kernel = { kernelName: string; backendName: string; kernelFunc: (args: { inputs: { x: TensorInfo }; backend: Backend; attrs: unknown }) => TensorInfo };

const SHARING = Symbol('gradient-lab:sharing-identity');

/** Registers the sharing Identity once the wasm kernels are loaded; returns whether it is in place. */
export function registerSharingIdentity(): boolean {
  const original = tf.getKernel('Identity', 'wasm') as unknown as (Kernel & { [SHARING]?: true }) | undefined;
  if (!original) return false;
  if (original[SHARING]) return true;
  const kernelFunc: Kernel['kernelFunc'] = (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original.kernelFunc(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...original, kernelFunc, [SHARING]: true } as unknown as tf.KernelConfig);
  return true;
}
