import { tf } from '../tf';
import { ALL_WASM_PARTS, WASM_PARTS, type WasmPart, type WasmParts } from './parts';

/**
 * The switches installWasm set last, kept as tfjs environment flags, as tfjs keeps its own
 * backends' switches (WASM_HAS_MULTITHREAD_SUPPORT, WEBGL_PACK). They describe what is in place
 * in tfjs's kernel and gradient registries, which tfjs keeps once per worker (per tfjs engine):
 * the flags live and die with those registries, so no module of Gradient Lab holds the state, and
 * no instance of it could disagree with what tfjs runs. Before installWasm runs, every part is off
 * (code that never installs the parts runs tfjs's plain path).
 */
const FLAG: Readonly<Record<WasmPart, string>> = Object.freeze({
  simdKernels: 'GRADIENT_LAB_SIMD_KERNELS',
  hostAdam: 'GRADIENT_LAB_HOST_ADAM',
  hostLoss: 'GRADIENT_LAB_HOST_LOSS',
  convBlocks: 'GRADIENT_LAB_CONV_BLOCKS',
  convGradients: 'GRADIENT_LAB_CONV_GRADIENTS',
  identity: 'GRADIENT_LAB_IDENTITY',
  matMul: 'GRADIENT_LAB_MAT_MUL',
});
/** Whether installWasm has run in this worker: until then its switches are all off, and a call without parts installs them all. */
const INSTALLED = 'GRADIENT_LAB_WASM_PARTS_INSTALLED';

// Registered when this module loads, as tfjs's backends register theirs; registering again keeps a value already set.
for (const part of WASM_PARTS) tf.env().registerFlag(FLAG[part], () => false);
tf.env().registerFlag(INSTALLED, () => false);

/** Whether `part` is switched on (whether it applies to the current backend is index.ts's wasmPart). */
export function switchedOn(part: WasmPart): boolean {
  return tf.env().getBool(INSTALLED) && tf.env().getBool(FLAG[part]);
}

/** The switches installWasm set last; every part on where it has not run yet (what a call without parts installs). */
export function switchesAskedLast(): WasmParts {
  if (!tf.env().getBool(INSTALLED)) return { ...ALL_WASM_PARTS };
  return Object.fromEntries(WASM_PARTS.map((part) => [part, tf.env().getBool(FLAG[part])])) as unknown as WasmParts;
}

/** Sets the switches (installWasm, once it has put the parts in place). */
export function setSwitches(parts: WasmParts): void {
  for (const part of WASM_PARTS) tf.env().set(FLAG[part], parts[part]);
  tf.env().set(INSTALLED, true);
}
