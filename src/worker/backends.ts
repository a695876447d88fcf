import { tf } from '../ml/tf';
import { installWasm, registerTrainingKernels, wasmPartsInUse } from '../ml/wasm';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { measureCores, workerSpinner } from './coreCount';

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL 2 renderer string, or null when there is no WebGL 2 here. */
export function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

let webglModule: typeof import('@tensorflow/tfjs-backend-webgl') | null = null;
let wasmFactory: (() => Promise<unknown>) | null = null;
let wasmThreads = 0;

/** The logical cores the browser reports, read before `allowWasmThreads` changes what wasm sees. */
export const LOGICAL_CORES = globalThis.navigator?.hardwareConcurrency ?? 1;

/**
 * wasm can run threads only in a cross-origin isolated page that has SharedArrayBuffer: WebKit
 * reports `crossOriginIsolated` true in the page while `SharedArrayBuffer` is undefined there.
 */
const isolated = (): boolean => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';

/**
 * Threads the wasm backend can use here: more than one only in a cross-origin isolated page, and
 * never every core. The page draws the chart while the worker trains, and the browser composites
 * it; wasm's threads wait for each other at every kernel, so one of them losing its core to the
 * page stalls them all. On this project's 2-core machine lesson 1 reached 97 % in 4.9–5.1 s with
 * one thread against 5.5–6.0 s with two, though on an idle page two have trained up to 14 % faster.
 * With the kernel helper (a second thread for the SIMD kernels, since removed) two threads trained the CNN about 45 % faster on an idle
 * page, yet lesson 1 still loses with them: alternating runs, median 5.14 s against 3.39 s on one
 * (the page, the evaluation worker and two training threads on two cores).
 */
export function wasmThreadOptions(cores = LOGICAL_CORES): number[] {
  const most = Math.min(4, cores - 1);
  return isolated() && most > 1 ? [1, most] : [1];
}

let coresMeasured: Promise<number> | null = null;

/**
 * The cores that really run at once here (coreCount.ts), measured once per worker where the
 * browser claims more than two and threads are possible at all; else the claim.
 */
export function usableCores(): Promise<number> {
  coresMeasured ??= isolated() && typeof Worker === 'function' ? measureCores(LOGICAL_CORES, workerSpinner) : Promise.resolve(LOGICAL_CORES);
  return coresMeasured;
}

/** Why wasm uses the threads it does, where it left a core to the page. */
function coresNote(threads: number, cores: number): string {
  const claim = cores < LOGICAL_CORES ? ` (the browser reports ${LOGICAL_CORES}; ${cores} ran at once when measured)` : '';
  return isolated() && threads === cores - 1 && threads > 1 ? ` It computes on ${threads} of this machine's ${cores} cores${claim}, leaving the page one to draw on while it trains.` : '';
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

/** The WebGPU adapter's description, or null without WebGPU here. */
async function webgpuAdapter(): Promise<{ description: string; software: boolean } | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; device?: string; description?: string }; isFallbackAdapter?: boolean } | null> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown GPU';
    return { description, software: adapter.isFallbackAdapter === true || SOFTWARE_RENDERER.test(description) };
  } catch {
    return null;
  }
}

/** (Re)starts wasm with `threads` threads: XNNPACK fixes its thread pool when the module starts. */
async function startWasm(threads: number): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // One thread runs on tfjs's plain SIMD build. Left to itself, tfjs loads the threaded build in
  // every cross-origin isolated page, even for one thread, and that build first starts a pool of
  // 8 thread workers and fetches a second, larger .wasm. Set before anything can start the module.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1 && isolated());
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; registryFactory: Record<string, { factory: () => Promise<unknown>; priority: number }> };
  wasmFactory ??= engine.registryFactory.wasm?.factory ?? null;
  // Not `tf.findBackend('wasm')`: it starts the module of a backend that was only registered. That
  // started the threaded build before the flag above was set, then a second module on top of it,
  // and in Firefox the engine start then hung (until the 90 s timeout, more often under load).
  if (wasmThreads !== 0 && wasmThreads !== threads && 'wasm' in engine.registry && wasmFactory) {
    // A fresh module with a new thread pool; the old one's memory and threads are freed.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', wasmFactory as never, 2);
  }
  allowWasmThreads(threads);
  wasm.setThreadsCount(threads);
  wasmThreads = threads;
}

/** The threads wasm really computes on (1 where the browser gave it the single-threaded build). */
async function wasmThreadsInUse(): Promise<number> {
  try {
    return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
  } catch {
    return 1;
  }
}

async function activate(name: BackendName, onContextLost: () => void, threads = 1): Promise<void> {
  if (name === 'webgl') {
    webglModule ??= await import('@tensorflow/tfjs-backend-webgl');
    // After a lost context the old backend is dead for good: register a fresh one.
    if (tf.findBackend('webgl') && isContextLost()) {
      tf.removeBackend('webgl');
      const { MathBackendWebGL } = webglModule;
      tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
    }
  } else if (name === 'wasm') {
    await startWasm(threads);
  } else if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await withTimeout(tf.setBackend(name), 30_000, `The ${name} backend did not start within 30 s.`);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`The ${name} backend could not start in this browser.`);
  // A tiny op proves the backend computes, not just that it registered.
  const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
  const value = (await withTimeout(probe.data(), 30_000, `The ${name} backend did not answer.`))[0];
  probe.dispose();
  if (value !== 8) throw new Error(`The ${name} backend computed a wrong result (${value}).`);
  // What training needs (wasm's missing filter gradient), then the speed-ups asked for: each registered once.
  registerTrainingKernels();
  installWasm();
  if (name === 'webgl') watchContext(onContextLost);
}

/** WebAssembly with `threads` threads, without measuring anything (a helper worker's backend). */
export function startWasmBackend(threads = 1): Promise<void> {
  return activate('wasm', () => {}, threads);
}

function webglCanvas(): OffscreenCanvas | HTMLCanvasElement | null {
  try {
    const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
    return (backend?.gpgpu?.gl?.canvas as OffscreenCanvas | HTMLCanvasElement | undefined) ?? null;
  } catch {
    return null;
  }
}

function isContextLost(): boolean {
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  return backend?.gpgpu?.gl?.isContextLost() ?? false;
}

function watchContext(onContextLost: () => void): void {
  const canvas = webglCanvas();
  canvas?.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    onContextLost();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Milliseconds per training-like step on the active backend: the forward and backward pass of a
 * small CNN on a batch of 64 digits, the work lesson 1 does. The first runs compile shaders and
 * warm caches; the median of the next few counts.
 */
async function measure(): Promise<number> {
  const x = tf.randomUniform([64, 28, 28, 1]) as tf.Tensor4D;
  const f1 = tf.randomNormal([5, 5, 1, 8], 0, 0.2) as tf.Tensor4D;
  const f2 = tf.randomNormal([5, 5, 8, 16], 0, 0.1) as tf.Tensor4D;
  const w = tf.randomNormal([256, 10], 0, 0.1) as tf.Tensor2D;
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.tidy(() => {
      const h1 = tf.maxPool(tf.relu(tf.conv2d(x, a as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      const h2 = tf.maxPool(tf.relu(tf.conv2d(h1, b as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      return tf.mean(tf.square(tf.matMul(tf.reshape(h2, [64, 256]), c as tf.Tensor2D)));
    }) as tf.Scalar;
  const run = async () => {
    const grads = tf.grads(loss)([f1, f2, w]);
    const sum = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(g))));
    await sum.data();
    tf.dispose([...grads, sum]);
  };
  try {
    await run();
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return times.sort((p, q) => p - q)[2];
  } finally {
    tf.dispose([x, f1, f2, w]);
  }
}

/** What the backend choice needs to know about this browser, and the two things it can do. */
export interface BackendProbe {
  /** The WebGL 2 renderer string, or null without WebGL 2. */
  renderer(): string | null;
  /** The WebGPU adapter, or null without WebGPU. */
  webgpu(): Promise<{ description: string; software: boolean } | null>;
  /** Thread counts wasm can use here (1, and more where the page is cross-origin isolated). */
  wasmThreads(): number[];
  /** Makes `name` the active backend (wasm with `threads` threads); throws, saying why, when it cannot start. */
  start(name: BackendName, threads?: number): Promise<void>;
  /** Milliseconds per training-like batch on the active backend. */
  measure(): Promise<number>;
}

/** Starts the backend for `choice` (see `chooseBackend`) on this browser. */
export async function setupBackend(choice: BackendChoice, onContextLost: () => void, threads?: number): Promise<BackendInfo> {
  const cores = threads ? LOGICAL_CORES : await usableCores();
  const info = await chooseBackend(choice, { renderer: webglRenderer, webgpu: webgpuAdapter, wasmThreads: () => (threads ? [threads] : wasmThreadOptions(cores)), start: (name, n) => activate(name, onContextLost, n), measure });
  if (info.name !== 'wasm') return info;
  const inUse = await wasmThreadsInUse();
  return { ...info, threads: inUse, wasmParts: wasmPartsInUse(), reason: threads ? info.reason : `${info.reason}${coresNote(inUse, cores)}` };
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript' };

interface Candidate {
  name: BackendName;
  threads: number;
  ms: number;
}

const describe = (c: Candidate) => `${LABEL[c.name]}${c.name === 'wasm' ? ` with ${c.threads} thread${c.threads > 1 ? 's' : ''}` : ''}`;

/**
 * Picks the backend. `auto` measures every backend this browser offers on a training-like step
 * and keeps the fastest: WebGPU and WebGL on a real GPU, and WebAssembly with one thread and, in a
 * cross-origin isolated page, with several. A GPU drawn in software (SwiftShader, llvmpipe) is
 * not tried: it is many times slower than WebAssembly and compiles shaders for seconds. cpu is
 * the last resort. A backend the learner chose that will not start falls back to wasm, then cpu.
 */
export async function chooseBackend(choice: BackendChoice, probe: BackendProbe): Promise<BackendInfo> {
  const failed: BackendInfo['failed'] = [];
  const tryStart = async (name: BackendName, threads = 1): Promise<boolean> => {
    try {
      await probe.start(name, threads);
      return true;
    } catch (error) {
      failed.push({ name, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const bestThreads = async (): Promise<Candidate[]> => {
    const measured: Candidate[] = [];
    for (const threads of probe.wasmThreads()) {
      if (await tryStart('wasm', threads)) measured.push({ name: 'wasm', threads, ms: await probe.measure() });
    }
    return measured;
  };

  if (choice !== 'auto') {
    if (choice === 'wasm') {
      const measured = await bestThreads();
      if (measured.length) return settle(measured, failed, 'You chose WebAssembly.', probe, tryStart);
    } else if (await tryStart(choice)) {
      return { name: choice, threads: 1, reason: `You chose ${LABEL[choice]}.`, failed, renderer: choice === 'webgl' ? probe.renderer() ?? undefined : undefined };
    }
    for (const fallback of (['wasm', 'cpu'] as BackendName[]).filter((b) => b !== choice)) {
      if (await tryStart(fallback)) return { name: fallback, threads: 1, reason: `${LABEL[choice]} failed to start, so Gradient Lab fell back to ${LABEL[fallback]}.`, failed };
    }
    throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
  }

  const measured: Candidate[] = [];
  const skipped: string[] = [];
  const gpu = await probe.webgpu();
  if (gpu && !gpu.software) {
    if (await tryStart('webgpu')) measured.push({ name: 'webgpu', threads: 1, ms: await probe.measure() });
  } else if (gpu) skipped.push('webgpu');
  const renderer = probe.renderer();
  if (renderer && !SOFTWARE_RENDERER.test(renderer)) {
    if (await tryStart('webgl')) measured.push({ name: 'webgl', threads: 1, ms: await probe.measure() });
  } else if (renderer) skipped.push('webgl');
  measured.push(...(await bestThreads()));
  if (measured.length) {
    const software = skipped.length > 0 && !measured.some((c) => c.name !== 'wasm');
    const info = await settle(measured, failed, software ? 'Your browser draws graphics in software here, so training uses WebAssembly, about 9× faster.' : '', probe, tryStart);
    return { ...info, renderer: renderer ?? undefined, gpu: gpu?.description };
  }
  if (await tryStart('cpu')) return { name: 'cpu', threads: 1, renderer: renderer ?? undefined, failed, reason: 'Neither the GPU nor WebAssembly could start, so training uses plain JavaScript (slow).' };
  throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
}

/** Keeps the fastest of the measured candidates (restarting it if another was started since) and says why. */
async function settle(
  measured: Candidate[],
  failed: BackendInfo['failed'],
  preface: string,
  probe: BackendProbe,
  tryStart: (name: BackendName, threads?: number) => Promise<boolean>,
): Promise<BackendInfo> {
  const best = measured.reduce((a, b) => (b.ms < a.ms ? b : a));
  const last = measured[measured.length - 1];
  if (best !== last && !(await tryStart(best.name, best.threads))) throw new Error(`${describe(best)} measured fastest but did not start again.`);
  const figures = measured.length > 1 ? ` Measured here, per test batch: ${measured.map((c) => `${describe(c)} ${c.ms.toFixed(1)} ms`).join(', ')}; so it uses ${describe(best)}.` : '';
  void probe;
  return { name: best.name, threads: best.threads, failed, reason: `${preface}${figures}`.trim() || `${describe(best)} is what this browser offers.`, measured: measured.map((c) => ({ backend: describe(c), ms: c.ms })) };
}

/** Drops tfjs's WebGL context as a GPU reset would (fault injection for tests). */
export function loseWebglContext(): boolean {
  if (tf.getBackend() !== 'webgl') return false;
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  const extension = backend?.gpgpu?.gl?.getExtension('WEBGL_lose_context');
  if (!extension) return false;
  extension.loseContext();
  return true;
}
