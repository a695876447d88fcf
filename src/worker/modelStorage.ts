// Where the worker keeps saved models: tfjs's own IndexedDB handler (it works in a dedicated
// worker). Tests pass an in-memory store with the same two operations.
import { tf } from '../ml/tf';

export interface ModelStorage {
  /** A tfjs IO handler that saves to and loads from `key`. */
  handler(key: string): tf.io.IOHandler;
  /** Removes what was saved under `key` (nothing there is not an error). */
  remove(key: string): Promise<void>;
}

const url = (key: string) => `indexeddb://gradient-lab/${key}`;

export const indexedDbModelStorage: ModelStorage = {
  handler(key) {
    const [handler] = tf.io.getSaveHandlers(url(key));
    if (!handler) throw Object.assign(new Error('IndexedDB is not available in this browser.'), { name: 'InvalidStateError' });
    return handler;
  },
  async remove(key) {
    try {
      await tf.io.removeModel(url(key));
    } catch (error) {
      if (!/cannot find model/i.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  },
};
