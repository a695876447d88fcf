import { tf } from '../ml/tf';
import { LOGICAL_CORES } from './browserFacts';

// The places where the worker reaches past tfjs's public API: its engine's backend registry, the
// WebGL backend's context, and the core count tfjs-backend-wasm reads from the navigator. Each
// says why the public API is not enough.

type Registry = { registry: Record<string, unknown>; registryFactory: Record<string, { factory: () => Promise<unknown>; priority: number } | undefined> };

/**
 * Whether a wasm backend has been created (registered and started). Not `tf.findBackend('wasm')`:
 * it starts the module of a backend that was only registered. That started the threaded build
 * before WASM_HAS_MULTITHREAD_SUPPORT was set, then a second module on top of it, and in Firefox
 * the engine start then hung (until the 90 s timeout, more often under load).
 */
export function wasmStarted(): boolean {
  return 'wasm' in (tf.engine() as unknown as Registry).registry;
}

/**
 * Drops the started wasm backend and registers tfjs's own factory again, so the next start makes
 * a fresh module with a new thread pool (XNNPACK fixes its pool when the module starts); the old
 * one's memory and threads are freed. tfjs re-registers the factory it was given, so reading it
 * from the registry each time finds tfjs-backend-wasm's own.
 */
export function restartWasm(): void {
  const factory = (tf.engine() as unknown as Registry).registryFactory.wasm?.factory;
  if (!factory) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory as never, 2);
}

/**
 * tfjs's wasm module caps its thread pool at half the logical cores (it assumes two hardware
 * threads per core) and reads that count from `navigator.hardwareConcurrency` when the module
 * starts, so on a 2-core machine it always ran one thread whatever `setThreadsCount` asked.
 * Reporting twice the threads wanted to that one read lets the pool have them; the count itself
 * stays `setThreadsCount`'s.
 */
export function allowWasmThreads(threads: number): void {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav) return;
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => Math.max(LOGICAL_CORES, threads * 2) });
  } catch {
    // A browser that refuses the override keeps tfjs's own cap.
  }
}

/** The WebGL backend's context (tfjs keeps it on its GPGPU context), or null without one. */
export function webglContext(): WebGL2RenderingContext | null {
  try {
    const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
    return backend?.gpgpu?.gl ?? null;
  } catch {
    return null;
  }
}

/**
 * After a lost context the WebGL backend is dead for good, and tfjs would keep handing it out:
 * register a fresh one in its place where the registered one lost its context.
 */
export async function replaceLostWebgl(): Promise<void> {
  const { MathBackendWebGL } = await import('@tensorflow/tfjs-backend-webgl');
  if (!tf.findBackend('webgl') || !webglContext()?.isContextLost()) return;
  tf.removeBackend('webgl');
  tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
}

/** Calls `onContextLost` when the WebGL backend's context is lost (a GPU reset, a driver crash). */
export function watchWebglContext(onContextLost: () => void): void {
  const canvas = webglContext()?.canvas as OffscreenCanvas | HTMLCanvasElement | undefined;
  canvas?.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    onContextLost();
  });
}
