import { tf } from '../tf';

/**
 * Putting a replacement in place of one of tfjs's kernels or gradients, and tfjs's own back.
 * Each replacement keeps the config it replaced, so turning a part off registers tfjs's very
 * config again, and asking for what is already in place registers nothing: tfjs warns "The kernel
 * '…' for backend 'wasm' is already registered" whenever a registered kernel is registered again.
 */
const ORIGINAL = Symbol('gradient-lab:replaced');

type Replacing<T> = T & { [ORIGINAL]?: T };

/**
 * Replaces wasm's kernel `name` by `replace(tfjs's kernel)` (on), or puts tfjs's back (off).
 * Only the wasm backend's registration changes: the other backends keep their own kernels.
 * Returns whether the replacement is in place: never before tfjs-backend-wasm has registered
 * its kernels (it does when its package is imported).
 */
export function replaceWasmKernel(name: string, on: boolean, replace: (original: tf.KernelConfig) => tf.KernelFunc): boolean {
  const current = tf.getKernel(name, 'wasm') as Replacing<tf.KernelConfig> | undefined;
  if (!current) return false;
  const original = current[ORIGINAL];
  if (on === (original !== undefined)) return on;
  tf.unregisterKernel(name, 'wasm');
  // The spread keeps tfjs's setupFunc, run again whenever a fresh wasm module starts.
  tf.registerKernel(original ?? ({ ...current, kernelFunc: replace(current), [ORIGINAL]: current } as tf.KernelConfig));
  return on;
}

/** Whether wasm's kernel `name` is Gradient Lab's replacement now. */
export function wasmKernelReplaced(name: string): boolean {
  return (tf.getKernel(name, 'wasm') as Replacing<tf.KernelConfig> | undefined)?.[ORIGINAL] !== undefined;
}

/**
 * Replaces the gradient of kernel `name` (on) or puts tfjs's back (off). tfjs keeps one gradient
 * per kernel for every backend, so `replace` is given tfjs's gradient to run on every backend but
 * wasm: the other backends compute exactly what they computed before.
 */
export function replaceGradient(name: string, on: boolean, replace: (original: tf.GradConfig) => tf.GradConfig['gradFunc']): boolean {
  const current = tf.getGradient(name) as Replacing<tf.GradConfig> | undefined;
  if (!current) return false;
  const original = current[ORIGINAL];
  if (on === (original !== undefined)) return on;
  // Same inputs and outputs saved as tfjs's gradient, which the replacement hands them to.
  tf.registerGradient(original ?? ({ ...current, gradFunc: replace(current), [ORIGINAL]: current } as tf.GradConfig));
  return on;
}

/** Whether the gradient of kernel `name` is Gradient Lab's replacement now. */
export function gradientReplaced(name: string): boolean {
  return (tf.getGradient(name) as Replacing<tf.GradConfig> | undefined)?.[ORIGINAL] !== undefined;
}
