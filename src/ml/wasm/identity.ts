import type { tf } from '../tf';
import { replaceWasmKernel } from './overrides';

/**
 * tfjs saves every tensor a gradient needs with `clone()`, which runs the Identity kernel. On cpu
 * and WebGL that kernel shares the data (one more reference); on wasm it copies it. The digit
 * CNN's conv blocks save their input, their activations and the pooled output: 23 copies a
 * step, 0.2–0.27 ms at batch 64 when a step took 13 ms. This registers, for wasm, an Identity that shares the
 * data the way the other backends do. Safe for the same reason it is there: no tfjs kernel
 * writes into its inputs, and wasm counts references (its disposeData frees data at 0).
 */
type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type Backend = { incRef(dataId: object): void };
type Kernel = (args: { inputs: { x: TensorInfo }; backend: Backend; attrs: unknown }) => TensorInfo;

/** Puts the sharing Identity in place on wasm (on) or tfjs's copying one back (off); returns whether it is in place. */
export function shareIdentity(on: boolean): boolean {
  return replaceWasmKernel('Identity', on, (original) => {
    const copy = original.kernelFunc as unknown as Kernel;
    const share: Kernel = (args) => {
      const { x } = args.inputs;
      if (x.dtype === 'string') return copy(args);
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
    return share as unknown as tf.KernelFunc;
  });
}
