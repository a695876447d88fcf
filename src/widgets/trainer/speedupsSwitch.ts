// `?wasm-speedups=off` in the page's address (before the #) runs every trainer on tfjs's plain
// path, with none of src/ml/wasm/'s optional speed-ups: for comparing, and for a browser where one
// of them misbehaves. The end-to-end tests train lesson 1 this way too.
import { NO_WASM_PARTS, type WasmParts } from '../../ml/wasm/parts';

export const SPEEDUPS_PARAMETER = 'wasm-speedups';

/** The speed-ups the page's address asks for: all off, or undefined (the worker's default, all on). */
export function requestedWasmParts(search: string = globalThis.location?.search ?? ''): Partial<WasmParts> | undefined {
  return new URLSearchParams(search).get(SPEEDUPS_PARAMETER) === 'off' ? { ...NO_WASM_PARTS } : undefined;
}
