// Where the worker keeps saved models: tfjs's own IndexedDB handler (it works in a dedicated
// worker). Tests pass an in-memory store with the same two operations.
import { tf } from '../ml/tf';

export interface ModelStorage {
  /** A tfjs IO handler that saves to and loads from `key`. */
  handler(key: string): tf.io.IOHandler;
  /** Removes what was saved under `key`, all or nothing (nothing there is not an error). */
  remove(key: string): Promise<void>;
}

const PATH_PREFIX = 'gradient-lab/';
const url = (key: string) => `indexeddb://${PATH_PREFIX}${key}`;

/**
 * tfjs's IndexedDB layout (tfjs-core src/io/indexed_db.ts): one database, a store for the model
 * (topology and weights) and one for its info, both keyed by the model's path.
 */
export const TFJS_DATABASE = { name: 'tensorflowjs', version: 1, stores: ['models_store', 'model_info_store'], keyPath: 'modelPath' } as const;

/**
 * Deletes a model from both of tfjs's stores in one transaction, so IndexedDB applies both deletes
 * or neither. (tf.io.removeModel deletes the info first and the weights in a second transaction:
 * when that second one fails, the weights stay, and with their info gone tfjs can never find
 * them to delete them again.)
 */
export function removeFromIndexedDb(factory: IDBFactory, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = factory.open(TFJS_DATABASE.name, TFJS_DATABASE.version);
    // No database yet: create it as tfjs would, with nothing in it to delete.
    open.onupgradeneeded = () => {
      for (const store of TFJS_DATABASE.stores) open.result.createObjectStore(store, { keyPath: TFJS_DATABASE.keyPath });
    };
    open.onerror = () => reject(open.error ?? new Error('The browser’s storage could not be opened.'));
    open.onsuccess = () => {
      const db = open.result;
      let transaction: IDBTransaction;
      try {
        transaction = db.transaction([...TFJS_DATABASE.stores], 'readwrite');
        for (const store of TFJS_DATABASE.stores) transaction.objectStore(store).delete(path);
      } catch (error) {
        db.close();
        reject(error);
        return;
      }
      transaction.oncomplete = () => {
        db.close();
        resolve();
      };
      const failed = () => {
        db.close();
        reject(transaction.error ?? new Error('Deleting the model was cut off; nothing was deleted.'));
      };
      transaction.onerror = failed;
      transaction.onabort = failed;
    };
  });
}

export const indexedDbModelStorage: ModelStorage = {
  handler(key) {
    const [handler] = tf.io.getSaveHandlers(url(key));
    if (!handler) throw Object.assign(new Error('IndexedDB is not available in this browser.'), { name: 'InvalidStateError' });
    return handler;
  },
  async remove(key) {
    if (typeof indexedDB === 'undefined') throw Object.assign(new Error('IndexedDB is not available in this browser.'), { name: 'InvalidStateError' });
    await removeFromIndexedDb(indexedDB, PATH_PREFIX + key);
  },
};
