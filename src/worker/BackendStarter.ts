import { tf } from '../ml/tf';
import { installWasm, registerTrainingKernels, wasmPartsInUse } from '../ml/wasm';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';
import { LOGICAL_CORES, threadsPossible, webglRenderer, webgpuAdapter } from './browserFacts';
import { chooseBackend, threadsNote, wasmThreadOptions } from './chooseBackend';
import { measureCores, workerSpinner } from './coreCount';
import { measureTrainingStep } from './measureTrainingStep';
import { replaceLostWebgl, watchWebglContext } from './tfjsInternals';
import { WasmStarter } from './WasmStarter';

/**
 * Starts tfjs backends in this worker: proves each computes, then puts in place what training
 * needs and the wasm speed-ups asked for (src/ml/wasm). `setup` runs the backend choice
 * (chooseBackend.ts) on this browser. One per worker, created by the worker's body: it remembers
 * the cores measured and, through its WasmStarter, the threads wasm was started with.
 */
export class BackendStarter {
  readonly #wasm = new WasmStarter();
  #cores: Promise<number> | null = null;

  /**
   * The cores that really run at once here (coreCount.ts), measured once where the browser claims
   * more than two and threads are possible at all; else the claim.
   */
  #usableCores(): Promise<number> {
    this.#cores ??= threadsPossible() && typeof Worker === 'function' ? measureCores(LOGICAL_CORES, workerSpinner) : Promise.resolve(LOGICAL_CORES);
    return this.#cores;
  }

  /** Starts the backend for `choice` (see `chooseBackend`) on this browser; wasm with `threads` threads where given. */
  async setup(choice: BackendChoice, onContextLost: () => void, threads?: number): Promise<BackendInfo> {
    const cores = threads ? LOGICAL_CORES : await this.#usableCores();
    const info = await chooseBackend(choice, {
      renderer: webglRenderer,
      webgpu: webgpuAdapter,
      wasmThreads: () => (threads ? [threads] : wasmThreadOptions(cores, threadsPossible())),
      start: (name, n) => this.#start(name, onContextLost, n),
      measure: measureTrainingStep,
    });
    if (info.name !== 'wasm') return info;
    const inUse = await this.#wasm.threadsInUse();
    return { ...info, threads: inUse, wasmParts: wasmPartsInUse(), reason: threads ? info.reason : `${info.reason}${threadsNote(inUse, cores, LOGICAL_CORES, threadsPossible())}` };
  }

  /** WebAssembly with `threads` threads, without measuring anything (the evaluation worker's backend). */
  startWasm(threads = 1): Promise<void> {
    return this.#start('wasm', () => {}, threads);
  }

  async #start(name: BackendName, onContextLost: () => void, threads = 1): Promise<void> {
    if (name === 'webgl') await replaceLostWebgl();
    else if (name === 'wasm') await this.#wasm.prepare(threads);
    else if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    else await import('@tensorflow/tfjs-backend-cpu');
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
    if (name === 'webgl') watchWebglContext(onContextLost);
  }
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
