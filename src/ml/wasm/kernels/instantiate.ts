import { KERNEL_BINARIES } from './binaries';

/**
 * The SIMD kernels (src/ml/wasm/kernels/*.wat) instantiated on one memory, the wasm backend's heap.
 * Free of tfjs, so the tests can run them on a memory of their own.
 */
export interface KernelExports {
  adam(w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, n: number, beta1: number, beta2: number, keep1: number, keep2: number, step: number, scale: number, eps: number): void;
  convInputGradient(dz: number, wt: number, dx: number, batch: number, h: number, w: number, c: number, oh: number, ow: number, o: number, kh: number, kw: number, top: number, left: number): void;
  convFilterGradient(x: number, dz: number, dw: number, batch: number, h: number, w: number, c: number, oh: number, ow: number, o: number, kh: number, kw: number, top: number, left: number): void;
  poolGradient(y: number, pooled: number, dy: number, dz: number, dbias: number, batch: number, h: number, w: number, c: number, oh: number, ow: number, ph: number, pw: number): void;
}

/** Compiled once each: for a plain memory, and for the threaded build's shared memory. */
const compiled = new Map<boolean, WebAssembly.Module[]>();

function bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Whether `memory` is shared between threads (the threaded build's heap). */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The kernels bound to `memory`: each .wat file's module (its shared variant for a shared memory), their exports together. */
export function instantiateKernels(memory: WebAssembly.Memory): KernelExports {
  const shared = isSharedMemory(memory);
  let modules = compiled.get(shared);
  if (!modules) {
    const names = Object.keys(KERNEL_BINARIES).filter((name) => name.endsWith('Shared') === shared);
    modules = names.map((name) => new WebAssembly.Module(bytes(KERNEL_BINARIES[name]) as BufferSource));
    compiled.set(shared, modules);
  }
  return Object.assign({}, ...modules.map((m) => new WebAssembly.Instance(m, { env: { memory } }).exports)) as KernelExports;
}
