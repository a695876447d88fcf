import { tf } from '../tf';
import { ALL_WASM_PARTS, WASM_PARTS, type WasmPart, type WasmParts } from './parts';
import { setSwitches, switchedOn, switchesAskedLast } from './switches';
import { registerSimdKernels, simdKernelsAvailable } from './simdKernels';
import { replaceConvGradients } from './convGradients';
import { shareIdentity } from './identity';
import { untransposeMatMul } from './matMul';
import { gradientReplaced, wasmKernelReplaced } from './overrides';
import { tensorsInHostMemory } from './hostMemory';

/**
 * The one seam between Gradient Lab and its backend-specific speed-ups. Everything here is
 * optional, one switch per part (parts.ts names them, switches.ts holds them), except
 * registerTrainingKernels: wasm lacks a kernel that training conv layers needs. With every part off, training runs tfjs's own kernels and
 * gradients (and that one kernel); the rest of the core asks wasmPart() which path to take and
 * imports nothing else from this folder.
 */

export { ALL_WASM_PARTS, NO_WASM_PARTS, WASM_PARTS, type WasmPart, type WasmParts } from './parts';
export { registerTrainingKernels } from './trainingKernels';
export { HostAdam } from './hostAdam';
export { hostSoftmaxCrossEntropy } from './hostLoss';
export { hasTrainingBlocks, trainingForward } from './convBlocks';

/**
 * Puts the parts that are on in place and takes those that are off out again, for this worker.
 * `parts` names the parts to change (each one not named is on); without it, the parts asked for
 * last are applied again: the worker calls it each time a backend starts, since a replacement of
 * a wasm kernel can only be put in place once tfjs-backend-wasm has registered its kernels.
 * Idempotent: what is already in place is not registered again, so tfjs never warns that a kernel
 * is already registered, however often it is called. Kernels are replaced for wasm only.
 * Returns the parts switched on.
 */
export function installWasm(parts?: Partial<WasmParts>): WasmParts {
  const on = parts ? { ...ALL_WASM_PARTS, ...parts } : switchesAskedLast();
  if (on.simdKernels) registerSimdKernels();
  replaceConvGradients(on.convGradients);
  shareIdentity(on.identity);
  untransposeMatMul(on.matMul);
  setSwitches(on);
  return on;
}

/**
 * Whether `part` runs on the current backend. A replacement of a tfjs kernel or gradient runs
 * when tfjs's registry holds it and the backend is wasm; any other part when it is switched on and
 * the backend is one it serves: wasm, or for hostAdam and hostLoss any backend whose tensors are
 * in ordinary memory (wasm, cpu).
 */
export function wasmPart(part: WasmPart): boolean {
  const onWasm = tf.getBackend() === 'wasm';
  switch (part) {
    case 'convGradients':
      return onWasm && gradientReplaced('Conv2D') && gradientReplaced('MaxPool');
    case 'identity':
      return onWasm && wasmKernelReplaced('Identity');
    case 'matMul':
      return onWasm && wasmKernelReplaced('BatchMatMul');
    case 'hostAdam':
    case 'hostLoss':
      return switchedOn(part) && tensorsInHostMemory();
    case 'simdKernels':
      return simdKernelsAvailable();
    case 'convBlocks':
      return switchedOn(part) && onWasm;
  }
}

/** Which parts run on the current backend (what the trainer and the bench report). */
export function wasmPartsInUse(): WasmParts {
  return Object.fromEntries(WASM_PARTS.map((part) => [part, wasmPart(part)])) as unknown as WasmParts;
}
