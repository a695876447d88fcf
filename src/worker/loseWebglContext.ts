import { tf } from '../ml/tf';
import { webglContext } from './tfjsInternals';

/**
 * Drops tfjs's WebGL context as a GPU reset would: fault injection for the tests (the
 * `simulateContextLoss` request). False where the backend is not WebGL or cannot lose its context.
 */
export function loseWebglContext(): boolean {
  if (tf.getBackend() !== 'webgl') return false;
  const extension = webglContext()?.getExtension('WEBGL_lose_context');
  if (!extension) return false;
  extension.loseContext();
  return true;
}
