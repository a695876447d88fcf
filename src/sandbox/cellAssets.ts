// What the page hands a cell's sandbox, fetched once from the app's own files (cached offline by
// the service worker): the runtime bundle, and tfjs's WebAssembly binary so cells train on wasm.
// The sandbox itself may fetch nothing.
import runtimeUrl from './cellWorker.ts?worker&url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    // A failed load is tried again next time (the learner may be back online).
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

async function fetchOk(url: string, what: string): Promise<Response> {
  const response = await fetch(url).catch(() => null);
  if (!response?.ok) throw new Error(`The ${what} could not be loaded${response ? ` (HTTP ${response.status})` : ''}. Check the connection, then press Run again.`);
  return response;
}

/**
 * The runtime runs as a classic worker script (the learner's code is appended to it, so it cannot be
 * a module), where `import.meta` does not exist: tfjs's wasm loader names it only to find its
 * threaded build, which cells never use, so it becomes the worker's own address.
 */
export const cellRuntime = once(async () => (await (await fetchOk(runtimeUrl, 'code runner')).text()).replaceAll('import.meta.url', 'self.location.href'));
export const cellWasm = once(async () => (await fetchOk(wasmSimdUrl, 'WebAssembly engine')).arrayBuffer());
