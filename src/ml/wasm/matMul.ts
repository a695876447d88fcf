import { tf } from '../tf';
import { replaceWasmKernel } from './overrides';

/**
 * tfjs-backend-wasm multiplies matrices with XNNPACK (SIMD, and threaded where the page has
 * threads) only when neither side is transposed; a transposed side falls back to a scalar loop
 * that reads one operand across its rows. Backpropagation asks for exactly that: the weight
 * gradient of a dense layer is xᵀ·dy, which on the MLP's 784×128 layer took 5.9 ms of a 9 ms
 * training step. This wraps wasm's BatchMatMul kernel so a transposed operand is transposed
 * first (one cheap copy) and the product always takes the XNNPACK path. Same arithmetic, same
 * result to float rounding; checked against the cpu backend in tests/ml/wasm/matMul.test.ts.
 * Turned off, tfjs's own BatchMatMul is registered again.
 */
type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type Backend = { disposeData(dataId: object): void };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: Backend; attrs: Record<string, unknown> };
type Kernel = { kernelFunc: (args: KernelArgs) => TensorInfo };

/** Perm that swaps the last two axes of a tensor of rank `rank`. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Puts the untransposing BatchMatMul in place on wasm (on) or tfjs's own back (off); returns whether it is in place. */
export function untransposeMatMul(on: boolean): boolean {
  const transpose = tf.getKernel('Transpose', 'wasm') as unknown as Kernel | undefined;
  if (!transpose) return false;
  return replaceWasmKernel('BatchMatMul', on, (config) => {
    const original = config as unknown as Kernel;
    const kernelFunc = (args: KernelArgs): TensorInfo => {
      const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const temporary: TensorInfo[] = [];
      const upright = (t: TensorInfo, flip: boolean | undefined): TensorInfo => {
        if (!flip) return t;
        const flipped = transpose.kernelFunc({ inputs: { x: t }, backend: args.backend, attrs: { perm: swapLastTwo(t.shape.length) } });
        temporary.push(flipped);
        return flipped;
      };
      try {
        const inputs = { a: upright(args.inputs.a, transposeA), b: upright(args.inputs.b, transposeB) };
        return original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of temporary) args.backend.disposeData(t.dataId);
      }
    };
    return kernelFunc as unknown as tf.KernelFunc;
  });
}
