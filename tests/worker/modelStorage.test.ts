import { describe, expect, it } from 'vitest';
import { TFJS_DATABASE, removeFromIndexedDb } from '../../src/worker/modelStorage';
import { fakeIndexedDb } from './fakeIndexedDb';

const [MODELS, INFO] = TFJS_DATABASE.stores;

/** A fake IndexedDB holding two saved models, as tfjs lays them out. */
async function withTwoModels() {
  const idb = fakeIndexedDb();
  await removeFromIndexedDb(idb.factory, 'nothing-yet'); // creates the database, as tfjs would
  for (const path of ['gradient-lab/m-1', 'gradient-lab/m-2']) {
    idb.stores.get(MODELS)!.set(path, { modelPath: path, modelArtifacts: {} });
    idb.stores.get(INFO)!.set(path, { modelPath: path, modelArtifactsInfo: {} });
  }
  idb.transactions.length = 0;
  return idb;
}

describe('removing a saved model from the browser’s storage', () => {
  it('deletes the weights and their info together, and a missing model is not an error', async () => {
    const idb = await withTwoModels();
    await removeFromIndexedDb(idb.factory, 'gradient-lab/m-1');
    expect([...idb.stores.get(MODELS)!.keys()]).toEqual(['gradient-lab/m-2']);
    expect([...idb.stores.get(INFO)!.keys()]).toEqual(['gradient-lab/m-2']);
    // One transaction over both stores: IndexedDB applies both deletes or neither.
    expect(idb.transactions).toEqual([[MODELS, INFO]]);
    await expect(removeFromIndexedDb(idb.factory, 'gradient-lab/m-1')).resolves.toBeUndefined();
  });

  it('a delete that fails halfway leaves neither weights without their info nor info without weights', async () => {
    for (const failing of [MODELS, INFO]) {
      const idb = await withTwoModels();
      idb.failDeletesIn = failing;
      await expect(removeFromIndexedDb(idb.factory, 'gradient-lab/m-1')).rejects.toThrow(/failed/);
      // Nothing deleted: the model is whole, so the delete can simply be tried again.
      expect([...idb.stores.get(MODELS)!.keys()]).toEqual(['gradient-lab/m-1', 'gradient-lab/m-2']);
      expect([...idb.stores.get(INFO)!.keys()]).toEqual(['gradient-lab/m-1', 'gradient-lab/m-2']);
      idb.failDeletesIn = null;
      await removeFromIndexedDb(idb.factory, 'gradient-lab/m-1');
      expect([...idb.stores.get(MODELS)!.keys()]).toEqual(['gradient-lab/m-2']);
      expect([...idb.stores.get(INFO)!.keys()]).toEqual(['gradient-lab/m-2']);
    }
  });
});
