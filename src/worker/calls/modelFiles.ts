// The model-files family of the worker protocol (see ../protocol.ts): keeping and sharing models
// (handled in ../modelFiles.ts). `epoch` is how far the page saw the model trained. Loading or
// uploading a model starts a run and says which (AdoptedModel extends RunStart).
import type { Hyperparams } from '../../ml/hyperparams';
import type { ModelSpec, ModelSummary } from '../../ml/modelSpec';
import type { Evaluation } from '../../ml/trainingTypes';
import type { TrainedSoFar } from '../../ml/modelFormat';
import type { RunStart } from './common';

export interface ModelFileCalls {
  /** Stores the model in use in the browser (IndexedDB) under `key`. */
  saveModel: { request: { key: string; epoch: number }; reply: { step: number; params: number; bytes: number } };
  /** Replaces the model in use with a stored one, once it is checked; trains on with `hyper`. */
  loadSavedModel: { request: { key: string; hyper: Hyperparams }; reply: AdoptedModel };
  deleteSavedModel: { request: { key: string }; reply: { removed: boolean } };
  /** The model in use as TensorFlow.js layers-format files. */
  exportModel: { request: { epoch: number }; reply: { json: string; weights: Uint8Array } };
  /** Replaces the model in use with uploaded model.json + weights files, once they are checked. */
  importModel: { request: { files: File[]; hyper: Hyperparams }; reply: AdoptedModel };
}

/** A stored or uploaded model, now the trainer's: its new run, spec, and its accuracy as loaded. */
export interface AdoptedModel extends RunStart {
  summary: ModelSummary;
  spec: ModelSpec;
  evaluation: Evaluation;
  trained: TrainedSoFar | null;
}
