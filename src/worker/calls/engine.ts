// The engine family of the worker protocol (see ../protocol.ts): starting a backend, switching it,
// reading its memory, closing down. Each request type fixes its payload and its reply.
import type { BackendChoice } from '../../ml/trainingTypes';
import type { WasmParts } from '../../ml/wasm/parts';
import type { BackendInfo, Empty } from './common';

export interface EngineCalls {
  /** `wasmParts` switches speed-ups off (each is on unless set false); all off is tfjs's plain path (the bench's comparison). */
  init: { request: { backend: BackendChoice; threads?: number; wasmParts?: Partial<WasmParts> }; reply: BackendInfo };
  switchBackend: { request: { backend: BackendChoice }; reply: BackendInfo };
  /** Fault injection for tests and demos: drops the WebGL context the way a GPU reset does. */
  simulateContextLoss: { request: Empty; reply: { lost: boolean } };
  memory: { request: Empty; reply: { numTensors: number; numBytes: number; backend: string } };
  dispose: { request: Empty; reply: { numTensors: number } };
}
