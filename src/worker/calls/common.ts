// What every family of calls (./*.ts) shares: an empty request, a reply that starts a run, the engine's description.
import type { BackendName } from '../../ml/trainingTypes';
import type { WasmParts } from '../../ml/wasm/parts';

/** A request with no payload beyond its type and id. */
export type Empty = Record<never, never>;

/** The reply of a call that starts a run: the run its events will carry from now on. */
export interface RunStart {
  runId: number;
}

export interface BackendInfo {
  name: BackendName;
  /** Why this backend, in the learner's words. */
  reason: string;
  renderer?: string;
  /** The WebGPU adapter, where the browser has one. */
  gpu?: string;
  /** Threads the backend computes on (wasm in a cross-origin isolated page may use several). */
  threads: number;
  /** wasm: which of Gradient Lab's speed-ups run (src/ml/wasm/parts.ts); all false is tfjs's own kernels. */
  wasmParts?: WasmParts;
  /** What the automatic choice measured: milliseconds per training-like test batch. */
  measured?: { backend: string; ms: number }[];
  /** Backends that were tried first and failed, with why. */
  failed: { name: BackendName; error: string }[];
}
