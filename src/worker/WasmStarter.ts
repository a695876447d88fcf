import { tf } from '../ml/tf';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { threadsPossible } from './browserFacts';
import { allowWasmThreads, restartWasm, wasmStarted } from './tfjsInternals';

/**
 * Readies tfjs-backend-wasm to start with a given number of threads, restarting its module when
 * the count changes: XNNPACK fixes its thread pool when the module starts. One per worker (the
 * worker's tfjs has one wasm module), created by BackendStarter.
 */
export class WasmStarter {
  /** The threads wasm was last readied for; 0 before the first start. */
  #threads = 0;

  /** Readies wasm for `threads` threads; `tf.setBackend('wasm')` then starts it. */
  async prepare(threads: number): Promise<void> {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    // One thread runs on tfjs's plain SIMD build. Left to itself, tfjs loads the threaded build in
    // every cross-origin isolated page, even for one thread, and that build first starts a pool of
    // 8 thread workers and fetches a second, larger .wasm. Set before anything can start the module.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1 && threadsPossible());
    if (this.#threads !== 0 && this.#threads !== threads && wasmStarted()) restartWasm();
    allowWasmThreads(threads);
    wasm.setThreadsCount(threads);
    this.#threads = threads;
  }

  /** The threads wasm really computes on (1 where the browser gave it the single-threaded build). */
  async threadsInUse(): Promise<number> {
    try {
      return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
    } catch {
      return 1;
    }
  }
}
