// tfjs-backend-wasm starts the helper threads of its multi-threaded build from Blob URLs: the
// thread script, and its module factory turned back into text (`factory.toString()`). Two things
// break that in the built app: the Content-Security-Policy allows scripts only from the app's own
// origin (no `blob:`), and once minified the factory's text refers to a variable declared outside
// it, so the threads die with "e is not defined" (tensorflow/tfjs#4107, #4539). This plugin ships
// both scripts as files of the app (assets/) and points tfjs at them, so threads start under the
// strict policy. The files are tfjs's own, unchanged; a tfjs update that changes this code fails
// the build here instead of failing silently in the browser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const WASM_OUT = '@tensorflow/tfjs-backend-wasm/wasm-out/';
export const THREAD_SCRIPT = 'tfjs-wasm-thread.js';
export const THREADED_MODULE = 'tfjs-backend-wasm-threaded-simd.js';

const WORKER_BLOB = `const response = wasmWorkerContents.replace(/\\n/g, '\\\\n');
                const blob = new Blob([response], { type: 'application/javascript' });
                return URL.createObjectURL(blob);`;
const MAIN_BLOB = /factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\);/;

// Built from a variable so Vite's `new URL(literal, import.meta.url)` rewriting leaves it alone:
// the files sit next to the chunk that holds this code (assets/).
const fileUrl = (name: string) => `new URL(['${name}'][0], import.meta.url).href`;

/** backend_wasm.js with the two Blob URLs replaced by the files' URLs; throws if tfjs changed shape. */
export function withThreadFiles(code: string): string {
  if (!code.includes(WORKER_BLOB) || !MAIN_BLOB.test(code)) throw new Error('tfjs-backend-wasm changed how it starts threads: review scripts/wasmThreadsFix.ts');
  return code.replace(WORKER_BLOB, `return ${fileUrl(THREAD_SCRIPT)};`).replace(MAIN_BLOB, `factoryConfig.mainScriptUrlOrBlob = ${fileUrl(THREADED_MODULE)};`);
}

/** The thread script exactly as tfjs would have put it in its Blob. */
export function threadScript(): string {
  const { wasmWorkerContents } = require(`${WASM_OUT}tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string };
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

export function wasmThreadsFix(): Plugin {
  return {
    name: 'gradient-lab:wasm-threads',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\?.*$/, '').endsWith('/tfjs-backend-wasm/dist/backend_wasm.js')) return null;
      return { code: withThreadFiles(code), map: null };
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: `assets/${THREAD_SCRIPT}`, source: threadScript() });
      this.emitFile({ type: 'asset', fileName: `assets/${THREADED_MODULE}`, source: readFileSync(require.resolve(`${WASM_OUT}${THREADED_MODULE}`), 'utf8') });
    },
  };
}
