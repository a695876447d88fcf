import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TrainerState } from '../../../src/widgets/trainer/TrainerState.svelte';
import { ModelLibraryState, type LibraryContext } from '../../../src/widgets/tools/ModelLibraryState.svelte';
import { parseRecord, type RecordStore, type SavedModelRecord } from '../../../src/widgets/tools/savedModels';
import { MNIST_PRESETS, type ModelSpec } from '../../../src/ml/modelSpec';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../../src/ml/hyperparams';
import { useCpu } from '../../ml/helpers';
import { connect } from '../../worker/connect';
import { memoryModelStorage, type MemoryStorage } from '../../worker/modelStorageFakes';
import { until } from '../trainer/inThreadClient';

beforeAll(useCpu);

const SMALL: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 8, activation: 'relu' }] };
const hyper = (overrides: Partial<Hyperparams> = {}): Hyperparams => ({ ...defaults(TRAINING_SCHEMA), epochs: 1, ...overrides });

/** A record store in a Map; `failing` makes every call reject with that error, `failRemoves` only removals. */
function memoryStore(): RecordStore & { values: Map<string, unknown>; failing: Error | null; failRemoves: Error | null } {
  const store = {
    values: new Map<string, unknown>(),
    failing: null as Error | null,
    failRemoves: null as Error | null,
    async list() {
      if (store.failing) throw store.failing;
      return [...store.values].map(([k, v]) => [k, structuredClone(v)] as [string, unknown]);
    },
    async put(id: string, record: SavedModelRecord) {
      if (store.failing) throw store.failing;
      store.values.set(id, structuredClone(record));
    },
    async remove(id: string) {
      if (store.failing ?? store.failRemoves) throw store.failing ?? store.failRemoves;
      store.values.delete(id);
    },
  };
  return store;
}

async function setUp(storage: MemoryStorage = memoryModelStorage(), store = memoryStore()) {
  const trainer = new TrainerState({ createClient: () => connect({ modelStorage: storage }).client, uiIntervalMs: 10 });
  await trainer.start('cpu', { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 256, validationCount: 300 }, SMALL, hyper(), { evaluationsPerEpoch: 2 });
  const shown = { spec: SMALL as ModelSpec, loaded: 0 };
  const context: LibraryContext = {
    widget: 'mnist-trainer',
    inputShape: [28, 28, 1],
    outputUnits: 10,
    spec: () => shown.spec,
    hyper: () => trainer.hyper!,
    modelLabel: () => 'Small MLP',
    lesson: () => 'your-first-digit-classifier',
    onloaded: (spec) => {
      shown.spec = spec;
      shown.loaded++;
    },
  };
  let clock = 1_700_000_000_000;
  const library = new ModelLibraryState(trainer, context, { store, now: () => (clock += 1000) });
  await library.refresh();
  return { trainer, library, storage, store, shown };
}

async function trainOneEpoch(trainer: TrainerState): Promise<void> {
  await trainer.train();
  await until(() => trainer.status === 'done', 30_000);
}

describe('ModelLibraryState', () => {
  it('saves, lists, loads back with its curves and accuracy, renames and deletes; every tensor freed at the end', async () => {
    const baseline = tf.memory().numTensors;
    const { trainer, library, storage, shown } = await setUp();
    await trainOneEpoch(trainer);
    const accuracy = trainer.progress.latestEvaluation!.valAccuracy!;
    const savedLosses = trainer.progress.batchLosses.length;
    await library.save('  first   try ');
    expect(library.problem).toBeNull();
    expect(library.status).toMatch(/Saved “first try” \(\d+\.\d %\)/);
    expect(library.records).toHaveLength(1);
    const [record] = library.records;
    expect(record).toMatchObject({ name: 'first try', accuracy, lesson: 'your-first-digit-classifier', modelLabel: 'Small MLP', params: 784 * 8 + 8 + 90 });
    expect(storage.entries.has(record.key)).toBe(true);

    // A new model replaces the trained one; loading brings the saved one back, curves and accuracy included.
    await trainer.configure(MNIST_PRESETS.linear, hyper({ learningRate: 0.05 }));
    shown.spec = MNIST_PRESETS.linear;
    expect(trainer.progress.evaluations).toEqual([]);
    await library.load(record.id);
    expect(library.problem).toBeNull();
    expect(shown).toMatchObject({ spec: SMALL, loaded: 1 });
    expect(trainer.summary?.totalParams).toBe(record.params);
    expect(trainer.hyper?.learningRate).toBe(record.hyper.learningRate);
    expect(trainer.progress.batchLosses).toHaveLength(savedLosses);
    expect(trainer.progress.latestEvaluation!.valAccuracy).toBeCloseTo(accuracy, 6);
    expect(trainer.progress.markers.map((m) => m.label)).toEqual(['loaded “first try”']);
    expect(library.status).toMatch(/Loaded “first try”: validation accuracy/);
    const step = trainer.progress.step;
    expect(step).toBe(4);
    await trainer.stepOnce();
    await until(() => trainer.progress.step === step + 1);

    expect(await library.rename(record.id, 'best so far')).toBe(true);
    expect(library.records.map((r) => r.name)).toEqual(['best so far']);
    await library.remove(record.id);
    expect(library.records).toEqual([]);
    expect(storage.entries.size).toBe(0);
    trainer.dispose();
    library.dispose();
    await until(() => tf.memory().numTensors === baseline);
  });

  it('a save that fails (full storage) gives a notice and leaves the earlier save of that name intact', async () => {
    const { trainer, library, storage, store } = await setUp();
    await trainer.stepOnce();
    await library.save('mine');
    const before = library.records[0];
    await trainer.stepOnce();
    store.failing = new DOMException('Quota exceeded', 'QuotaExceededError');
    await library.save('mine');
    expect(library.problem).toMatch(/storage for this site is full/);
    store.failing = null;
    await library.refresh();
    expect(library.records).toEqual([before]);
    // The new weights were removed again; the old ones are still there to load.
    expect([...storage.entries.keys()]).toEqual([before.key]);
    await library.load(before.id);
    expect(library.problem).toBeNull();
    expect(trainer.progress.step).toBe(1);

    // The weights store can be full too (the worker writes those).
    storage.failSaves = new DOMException('Quota exceeded', 'QuotaExceededError');
    await library.save('mine');
    expect(library.problem).toMatch(/storage for this site is full/);
    expect(library.records).toEqual([before]);
    trainer.dispose();
  });

  it('a delete cut off halfway leaves no weights that no entry names, nor a listed model without weights, and is finished later', async () => {
    const { trainer, library, storage, store } = await setUp();
    await trainer.stepOnce();
    await library.save('keep');
    await library.save('drop');
    const [drop, keep] = library.records;
    expect(drop.name).toBe('drop');
    /** Every stored weight is named by an entry, and every listed model has its weights. */
    const consistent = () => {
      const named = new Set([...store.values.values()].map((v) => (v as { key: string }).key));
      expect([...storage.entries.keys()].every((key) => named.has(key))).toBe(true);
      expect(library.records.every((r) => storage.entries.has(r.key))).toBe(true);
    };
    const failure = new DOMException('The disk is busy', 'UnknownError');

    // The mark cannot be written: nothing changes.
    store.failing = failure;
    await library.remove(drop.id);
    store.failing = null;
    expect(library.problem).toMatch(/delete the model/);
    await library.refresh();
    expect(library.records.map((r) => r.name)).toEqual(['drop', 'keep']);
    consistent();

    // The weights cannot be removed: the model leaves the list, its marker still names the weights.
    storage.failRemoves = failure;
    await library.remove(drop.id);
    expect(library.problem).toBeNull();
    expect(library.status).toMatch(/tried again later/);
    expect(library.records).toEqual([keep]);
    expect(storage.entries.has(drop.key)).toBe(true);
    consistent();
    // Storage works again: the next refresh finishes the delete.
    storage.failRemoves = null;
    await library.refresh();
    expect([...storage.entries.keys()]).toEqual([keep.key]);
    expect([...store.values.keys()]).toEqual([keep.id]);
    consistent();

    // The weights go but the marker cannot be removed: hidden, and tidied up later.
    store.failRemoves = failure;
    await library.remove(keep.id);
    expect(library.records).toEqual([]);
    expect(storage.entries.size).toBe(0);
    expect(store.values.get(keep.id)).toEqual({ version: 1, id: keep.id, key: keep.key, deleting: true });
    consistent();
    store.failRemoves = null;
    await library.refresh();
    expect(store.values.size).toBe(0);
    expect(library.damagedCount).toBe(0);
    trainer.dispose();
  });

  it('a storage the browser refuses, and damaged entries, give a notice and keep the app running', async () => {
    const store = memoryStore();
    store.values.set('junk', 'not a record');
    store.values.set('hostile', { version: 1, id: 'x', name: 'x', key: 'k', widget: 'w', lesson: '', modelLabel: '', savedAt: 0, params: 1, inputShape: [28, 28, 1], outputUnits: 10, hyper: {}, spec: { layers: [{ type: 'dense', units: 2e8, activation: 'relu' }] } });
    const { trainer, library } = await setUp(memoryModelStorage(), store);
    expect(library.records).toEqual([]);
    expect(library.damagedCount).toBe(2);
    await library.removeDamaged();
    expect(library.damagedCount).toBe(0);
    expect(store.values.size).toBe(0);

    store.failing = new DOMException('The user denied permission to access the database.', 'SecurityError');
    await library.refresh();
    expect(library.problem).toMatch(/does not let the page store data/);
    await library.save('anything');
    expect(library.problem).toMatch(/Could not save the model: this browser does not let the page store data/);
    await library.save('   ');
    expect(library.problem).toBe('Give the model a name first.');
    // The trainer is untouched and trains on.
    await trainer.stepOnce();
    expect(trainer.status).not.toBe('error');
    trainer.dispose();
  });
});

describe('parseRecord', () => {
  const good = (): SavedModelRecord => ({
    version: 1,
    id: 'a',
    name: 'mine',
    key: 'm-1',
    widget: 'mnist-trainer',
    lesson: 'l',
    savedAt: 1,
    accuracy: 0.9,
    modelLabel: 'MLP',
    spec: SMALL,
    inputShape: [28, 28, 1],
    outputUnits: 10,
    params: 6370,
    hyper: hyper(),
    curves: { batchLosses: [{ step: 1, epoch: 0.1, loss: 2 }], evaluations: [{ step: 1, epoch: 0.1, trainLoss: 2, valAccuracy: 0.5, endOfEpoch: false }] },
  });

  it('keeps a good record and checks what a hostile one says', () => {
    expect(parseRecord(good())).toEqual(good());
    expect(parseRecord({ ...good(), hyper: { learningRate: 1e308, batchSize: -1, __proto__: { x: 1 } } })!.hyper).toMatchObject({ learningRate: 10, batchSize: 1 });
    expect(parseRecord({ ...good(), curves: { batchLosses: [{ step: 'x' }, { step: 2, epoch: 0.2, loss: Number.NaN }, { step: 3, epoch: 0.3, loss: 1 }], evaluations: 'no' } })!.curves).toEqual({ batchLosses: [{ step: 3, epoch: 0.3, loss: 1 }], evaluations: [] });
    expect(parseRecord({ ...good(), accuracy: 7 })!.accuracy).toBeNull();
    for (const bad of [null, 'x', { ...good(), version: 2 }, { ...good(), key: '../x' }, { ...good(), spec: { layers: [{ type: 'conv2d', filters: 1e9 }] } }, { ...good(), inputShape: [1e9] }, { ...good(), name: 'x'.repeat(1000) }]) {
      expect(parseRecord(bad)).toBeNull();
    }
  });
});
