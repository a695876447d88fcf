import type { TrainerState } from '../trainer/TrainerState.svelte';
import type { ModelSpec } from '../../ml/modelSpec';
import type { Hyperparams } from '../../ml/hyperparams';
import type { AdoptedModel } from '../../worker/protocol';
import { storageMessage } from '../../worker/storageErrors';
import { cleanName, compactCurves, idbRecordStore, parseDeletionMarker, parseRecord, type DeletionMarker, type RecordStore, type SavedModelRecord } from './savedModels';

/** What the library needs from the widget it sits in. */
export interface LibraryContext {
  /** The widget's registry name ("mnist-trainer"). */
  widget: string;
  inputShape: number[];
  outputUnits: number;
  spec(): ModelSpec;
  hyper(): Hyperparams;
  /** The model's name in the widget's picker ("MLP (one hidden layer)"). */
  modelLabel(): string;
  /** The lesson the widget sits in (its slug). */
  lesson(): string;
  /** The trainer now runs a loaded model: the widget shows its architecture. */
  onloaded(spec: ModelSpec): void;
}

export interface LibraryOptions {
  store?: RecordStore;
  newId?: () => string;
  now?: () => number;
}

const percent = (v: number | null | undefined) => (v === null || v === undefined ? 'no accuracy yet' : `${(v * 100).toFixed(1)} %`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Saved models for one trainer: save under a name, list, load back, rename, delete; download and
 * upload as files. The list is read through `parseRecord`, so damaged entries are counted and
 * skipped. A save writes the new weights first and switches the record only once they are stored.
 */
export class ModelLibraryState {
  #records = $state.raw<SavedModelRecord[]>([]);
  #damaged = $state.raw<IDBValidKey[]>([]);
  /** Models whose deletion was cut off halfway: hidden, and finished at the next refresh. */
  #unfinished: DeletionMarker[] = [];
  #status = $state('');
  #problem = $state<string | null>(null);
  #busy = $state(false);
  #downloads = $state.raw<{ json: string; weights: string } | null>(null);

  #trainer: TrainerState;
  #context: LibraryContext;
  #store: RecordStore;
  #newId: () => string;
  #now: () => number;

  constructor(trainer: TrainerState, context: LibraryContext, options: LibraryOptions = {}) {
    this.#trainer = trainer;
    this.#context = context;
    this.#store = options.store ?? idbRecordStore();
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#now = options.now ?? Date.now;
  }

  /** Saved models this trainer can load (same input and output shapes), newest first. */
  get records(): SavedModelRecord[] { return this.#records; }
  /** Stored entries that could not be read. */
  get damagedCount(): number { return this.#damaged.length; }
  /** What just happened, for a polite live region. */
  get status(): string { return this.#status; }
  /** What went wrong, for an alert (null when all is well). */
  get problem(): string | null { return this.#problem; }
  get busy(): boolean { return this.#busy; }
  /** Blob URLs of the latest download: model.json and model.weights.bin. */
  get downloads(): { json: string; weights: string } | null { return this.#downloads; }

  async refresh(): Promise<void> {
    try {
      const stored = await this.#store.list();
      const fits = (r: SavedModelRecord) => r.outputUnits === this.#context.outputUnits && r.inputShape.join() === this.#context.inputShape.join();
      this.#unfinished = stored.flatMap(([, value]) => parseDeletionMarker(value) ?? []);
      const parsed = stored.filter(([, value]) => !parseDeletionMarker(value)).map(([id, value]) => ({ id, record: parseRecord(value) }));
      this.#damaged = parsed.filter((p) => !p.record).map((p) => p.id);
      this.#records = parsed.flatMap((p) => (p.record && fits(p.record) ? [p.record] : [])).sort((a, b) => b.savedAt - a.savedAt);
    } catch (error) {
      this.#problem = storageMessage(error, 'read the saved models');
      return;
    }
    await this.#finishDeletes();
  }

  /** Saves the model in use under `rawName`; a model saved under the same name is replaced only once the new one is stored. */
  async save(rawName: string): Promise<void> {
    const name = cleanName(rawName);
    if (!name) return this.#fail('Give the model a name first.');
    if (!this.#trainer.summary) return this.#fail('There is no model to save yet.');
    await this.#run(`Saving “${name}”…`, async () => {
      const key = `m-${this.#newId()}`;
      const { params } = await this.#trainer.saveModel(key);
      const earlier = this.#records.find((r) => r.name === name);
      const progress = this.#trainer.progress;
      const record: SavedModelRecord = {
        version: 1,
        id: earlier?.id ?? this.#newId(),
        name,
        key,
        widget: this.#context.widget,
        lesson: this.#context.lesson(),
        savedAt: this.#now(),
        accuracy: progress.latestEvaluation?.valAccuracy ?? null,
        modelLabel: this.#context.modelLabel(),
        spec: $state.snapshot(this.#context.spec()),
        inputShape: this.#context.inputShape,
        outputUnits: this.#context.outputUnits,
        params,
        hyper: $state.snapshot(this.#context.hyper()),
        curves: compactCurves(progress.batchLosses, progress.evaluations),
      };
      try {
        await this.#store.put(record.id, record);
      } catch (error) {
        await this.#trainer.deleteSavedModel(key).catch(() => undefined); // the list still points at the earlier save
        throw new Error(storageMessage(error, 'save the model'));
      }
      if (earlier) await this.#trainer.deleteSavedModel(earlier.key).catch(() => undefined);
      await this.refresh();
      return `Saved “${name}” (${percent(record.accuracy)})${earlier ? ', replacing the earlier save of that name' : ''}.`;
    });
  }

  /** Loads a saved model into the trainer, with its settings and curves; training goes on from it. */
  async load(id: string): Promise<void> {
    const record = this.#records.find((r) => r.id === id);
    if (!record) return;
    await this.#run(`Loading “${record.name}”…`, async () => {
      const loaded = await this.#trainer.loadSavedModel(record.key, record.hyper, record.curves, `“${record.name}”`);
      return this.#adopted(loaded, `Loaded “${record.name}”`);
    });
  }

  async rename(id: string, rawName: string): Promise<boolean> {
    const record = this.#records.find((r) => r.id === id);
    const name = cleanName(rawName);
    if (!record) return false;
    if (!name) {
      this.#fail('A saved model needs a name.');
      return false;
    }
    if (this.#records.some((r) => r.name === name && r.id !== id)) {
      this.#fail(`There is already a saved model called “${name}”.`);
      return false;
    }
    return this.#run('Renaming…', async () => {
      try {
        await this.#store.put(id, { ...record, name });
      } catch (error) {
        throw new Error(storageMessage(error, 'rename the model'));
      }
      await this.refresh();
      return `Renamed “${record.name}” to “${name}”.`;
    });
  }

  /**
   * Deletes a saved model (the view asks first): marks its record as being deleted, removes the
   * weights, then the marker. Cut off after the mark, the model is gone from the list and the rest
   * is done at the next refresh; a mark that cannot be written changes nothing.
   */
  async remove(id: string): Promise<void> {
    const record = this.#records.find((r) => r.id === id);
    if (!record) return;
    await this.#run(`Deleting “${record.name}”…`, async () => {
      const marker: DeletionMarker = { version: 1, id, key: record.key, deleting: true };
      try {
        await this.#store.put(id, marker);
      } catch (error) {
        throw new Error(storageMessage(error, 'delete the model'));
      }
      const finished = await this.#finishDelete(marker);
      await this.refresh();
      return finished ? `Deleted “${record.name}”.` : `Deleted “${record.name}” from the list; its weights could not be removed yet, so that is tried again later.`;
    });
  }

  /** The weights, then the marker: true once both are gone. */
  async #finishDelete(marker: DeletionMarker): Promise<boolean> {
    try {
      await this.#trainer.deleteSavedModel(marker.key);
      await this.#store.remove(marker.id);
      return true;
    } catch {
      return false;
    }
  }

  /** Finishes deletions cut off earlier (best effort: the worker may not be running yet). */
  async #finishDeletes(): Promise<void> {
    if (!this.#trainer.connected) return;
    const unfinished = this.#unfinished;
    this.#unfinished = [];
    for (const marker of unfinished) if (!(await this.#finishDelete(marker))) this.#unfinished.push(marker);
  }

  /** Removes the entries that could not be read. */
  async removeDamaged(): Promise<void> {
    await this.#run('Removing damaged entries…', async () => {
      for (const id of this.#damaged) await this.#store.remove(id as string);
      await this.refresh();
      return 'Removed the damaged entries.';
    });
  }

  /** Prepares model.json and model.weights.bin as blob URLs for the view's download links. */
  async download(): Promise<boolean> {
    return this.#run('Preparing the model files…', async () => {
      const files = await this.#trainer.exportModel();
      this.#revokeDownloads();
      this.#downloads = {
        json: URL.createObjectURL(new Blob([files.json], { type: 'application/json' })),
        weights: URL.createObjectURL(new Blob([files.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })),
      };
      return `Downloading model.json and model.weights.bin (${(files.weights.byteLength / 1024).toFixed(0)} KB). Keep the two files together.`;
    });
  }

  /** Loads uploaded model.json + weights files into the trainer; a bad upload changes nothing. */
  async upload(files: File[]): Promise<void> {
    if (files.length === 0) return;
    const json = files.find((f) => /\.json$/i.test(f.name));
    await this.#run('Checking the files…', async () => {
      const loaded = await this.#trainer.importModel(files, $state.snapshot(this.#context.hyper()), json?.name ?? 'uploaded model');
      return this.#adopted(loaded, `Uploaded ${json?.name ?? 'the model'}`);
    });
  }

  dispose(): void {
    this.#revokeDownloads();
  }

  #adopted(loaded: AdoptedModel, what: string): string {
    this.#context.onloaded(loaded.spec);
    return `${what}: validation accuracy ${percent(loaded.evaluation.valAccuracy)}. Press Train to go on training it.`;
  }

  #revokeDownloads(): void {
    if (!this.#downloads) return;
    URL.revokeObjectURL(this.#downloads.json);
    URL.revokeObjectURL(this.#downloads.weights);
    this.#downloads = null;
  }

  #fail(problem: string): void {
    this.#problem = problem;
    this.#status = '';
  }

  /** One operation at a time: the status while it runs, its result or its problem after. */
  async #run(doing: string, job: () => Promise<string>): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    this.#problem = null;
    this.#status = doing;
    try {
      this.#status = await job();
      return true;
    } catch (error) {
      this.#fail(messageOf(error));
      return false;
    } finally {
      this.#busy = false;
    }
  }
}
