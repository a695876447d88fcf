// Node has neither IndexedDB nor FileReader: an in-memory model store with tfjs's IO-handler face
// (structured clones, as IndexedDB keeps them), and the FileReader that tf.io.browserFiles uses.
import type { tf } from '../../src/ml/tf';
import type { ModelStorage } from '../../src/worker/modelStorage';

export interface MemoryStorage extends ModelStorage {
  entries: Map<string, tf.io.ModelArtifacts>;
  /** When set, every save fails with this error (a full or refused storage). */
  failSaves: Error | null;
  /** When set, every removal fails with this error (and removes nothing). */
  failRemoves: Error | null;
}

export function memoryModelStorage(): MemoryStorage {
  const storage: MemoryStorage = {
    entries: new Map(),
    failSaves: null,
    failRemoves: null,
    handler: (key) => ({
      save: async (artifacts) => {
        if (storage.failSaves) throw storage.failSaves;
        storage.entries.set(key, structuredClone(artifacts));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      },
      load: async () => {
        const artifacts = storage.entries.get(key);
        if (!artifacts) throw new Error(`Cannot find model with path '${key}' in IndexedDB.`);
        return structuredClone(artifacts);
      },
    }),
    remove: async (key) => {
      if (storage.failRemoves) throw storage.failRemoves;
      storage.entries.delete(key);
    },
  };
  return storage;
}

class FileReaderShim {
  result: string | ArrayBuffer | null = null;
  onload: ((event: { target: FileReaderShim }) => void) | null = null;
  onerror: ((error: unknown) => void) | null = null;
  readAsText(blob: Blob): void {
    blob.text().then((text) => this.#done(text), (error) => this.onerror?.(error));
  }
  readAsArrayBuffer(blob: Blob): void {
    blob.arrayBuffer().then((buffer) => this.#done(buffer), (error) => this.onerror?.(error));
  }
  #done(result: string | ArrayBuffer): void {
    this.result = result;
    this.onload?.({ target: this });
  }
}

/** Gives Node the FileReader that tf.io.browserFiles reads files with. */
export function installFileReader(): void {
  const scope = globalThis as unknown as { FileReader?: unknown };
  scope.FileReader ??= FileReaderShim;
}
