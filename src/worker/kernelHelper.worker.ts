/// <reference lib="webworker" />
// The training worker's kernel helper (src/ml/kernelHelper.ts): the SIMD kernels on the wasm
// backend's shared heap, serving half of each kernel call from the training thread.
import { instantiateKernels } from '../ml/kernels/instantiate';
import { serveKernelJobs } from '../ml/kernelHelper';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<{ memory: WebAssembly.Memory; control: SharedArrayBuffer }>) => {
  const { memory, control } = event.data;
  // Never returns: the helper sleeps in Atomics.wait between jobs until it is terminated.
  serveKernelJobs(control, instantiateKernels(memory));
};
