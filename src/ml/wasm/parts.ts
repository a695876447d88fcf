/**
 * The optional speed-ups, one switch each. None changes what is learnt (each is checked against
 * tfjs's own kernels); every one off is tfjs's plain path. Free of tfjs, so the worker protocol and
 * the bench can name the parts without loading it.
 */
export interface WasmParts {
  /** Hand-written SIMD kernels on wasm's heap: the conv blocks' pool, filter and input gradients, and Adam's step for large tensors (simdKernels.ts). */
  simdKernels: boolean;
  /** Adam in one JavaScript loop per small weight tensor, where tensors are in ordinary memory: wasm and cpu (hostAdam.ts). */
  hostAdam: boolean;
  /** Softmax cross-entropy, its gradient and the batch accuracy in one JavaScript pass, on wasm and cpu (hostLoss.ts). */
  hostLoss: boolean;
  /** Conv (ReLU) → max pool pairs and dense ReLU layers trained as blocks with their own gradient, on wasm (convBlocks.ts). */
  convBlocks: boolean;
  /** Conv2D and MaxPool gradients from XNNPACK's fast kernels instead of wasm's naive loops, on wasm (convGradients.ts). */
  convGradients: boolean;
  /** An Identity kernel that shares the data instead of copying it, on wasm (identity.ts). */
  identity: boolean;
  /** A BatchMatMul that transposes an operand first, so XNNPACK takes every product, on wasm (matMul.ts). */
  matMul: boolean;
}

export type WasmPart = keyof WasmParts;

export const ALL_WASM_PARTS: Readonly<WasmParts> = Object.freeze({ simdKernels: true, hostAdam: true, hostLoss: true, convBlocks: true, convGradients: true, identity: true, matMul: true });
export const NO_WASM_PARTS: Readonly<WasmParts> = Object.freeze({ simdKernels: false, hostAdam: false, hostLoss: false, convBlocks: false, convGradients: false, identity: false, matMul: false });

export const WASM_PARTS = Object.keys(ALL_WASM_PARTS) as WasmPart[];

