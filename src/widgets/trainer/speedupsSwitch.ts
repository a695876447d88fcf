// `?wasm-speedups=off` in the page's address (before the #) runs every trainer on tfjs's plain
// path, with none of src/ml/wasm/'s optional speed-ups; `?wasm-speedups=-simdKernels,-hostAdam`
// turns just those off. For comparing (the bench measures each part's gain this way), and for a
// browser where one of them misbehaves. The end-to-end tests train lesson 1 with all of them off.
import { NO_WASM_PARTS, WASM_PARTS, type WasmPart, type WasmParts } from '../../ml/wasm/parts';

export const SPEEDUPS_PARAMETER = 'wasm-speedups';

/** The speed-ups the page's address asks for, or undefined (the worker's default, all on). */
export function requestedWasmParts(search: string = globalThis.location?.search ?? ''): Partial<WasmParts> | undefined {
  const value = new URLSearchParams(search).get(SPEEDUPS_PARAMETER);
  if (value === null) return undefined;
  if (value === 'off') return { ...NO_WASM_PARTS };
  const off = value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.startsWith('-') && WASM_PARTS.includes(token.slice(1) as WasmPart))
    .map((token) => token.slice(1) as WasmPart);
  return off.length ? Object.fromEntries(off.map((part) => [part, false])) : undefined;
}
