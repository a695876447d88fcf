import { tf } from '../tf';

/**
 * Whether the current backend keeps tensors in ordinary memory (wasm, cpu), where reading a small
 * tensor back costs a copy rather than a wait for the device. There a few small computations
 * run in JavaScript instead of as a dozen tfjs kernels, each with its dispatch cost
 * (hostAdam.ts, hostLoss.ts, the turned filter in convGradients.ts); GPU backends keep tfjs's kernels.
 */
export function tensorsInHostMemory(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}
