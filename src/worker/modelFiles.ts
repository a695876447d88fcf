// Saving, loading, downloading and uploading models, inside the worker (the TrainingHandler routes
// these requests here). A model comes in only through readModelArtifacts (ml/modelFormat.ts) and a
// trial build that must give finite outputs: until both pass, the model in use is untouched, and a
// file or stored entry that fails leaves a message naming the problem and no tensor behind.
import { tf } from '../ml/tf';
import { buildModel } from '../ml/models';
import { writeWeights } from '../ml/modelWeights';
import { evaluateModel } from '../ml/evaluation';
import { TRAINING_SCHEMA, type Hyperparams } from '../ml/hyperparams';
import { checkAll } from '../ml/schema';
import {
  FILE_LIMIT_BYTES,
  ModelFileError,
  WEIGHTS_FILE,
  checkByteCount,
  layersModelFiles,
  manifestBytes,
  portableArtifacts,
  readModelArtifacts,
  specFromTopology,
  trainedSoFar,
  type ModelShape,
  type ReadModel,
} from '../ml/modelFormat';
import type { ModelSpec, ModelSummary } from '../ml/modelSpec';
import type { Evaluation, ResumePoint, TrainingData } from '../ml/trainingTypes';
import type { TrainingSession } from '../ml/TrainingSession';
import type { ModelStorage } from './modelStorage';
import { storageMessage } from './storageErrors';
import { WorkerError, type AdoptedModel, type Calls, type RequestMessage, type SessionTuning } from './protocol';

export type ModelCall = 'saveModel' | 'loadSavedModel' | 'deleteSavedModel' | 'exportModel' | 'importModel';
export type ModelHandlers = { [K in ModelCall]: (request: Extract<RequestMessage, { type: K }>) => Promise<Calls[K]['reply']> };

/** What the TrainingHandler lends: the storage, the data, the model in use, and a way to swap in a checked one. */
export interface ModelHost {
  storage(): ModelStorage | undefined;
  data(): TrainingData | null;
  current(): { session: TrainingSession; spec: ModelSpec; tuning: SessionTuning } | null;
  /** Replaces the session with one built from `spec` and these weights (already checked against it). */
  adopt(spec: ModelSpec, hyper: Hyperparams, weights: Float32Array[], resume: ResumePoint): Promise<{ runId: number; summary: ModelSummary }>;
}

/** Reading uploaded files is given this long; a problem is named within it, never awaited forever. */
const READ_TIMEOUT_MS = 1500;
const KEY = /^[\w-]{1,100}$/;

const bad = (message: string) => new WorkerError(message, 'badFile');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function modelFileHandlers(host: ModelHost): ModelHandlers {
  const shapeOf = (): ModelShape => {
    const data = host.data();
    if (!data) throw new WorkerError('Load the data before saving or loading a model.', 'noData');
    return { inputShape: data.inputShape, outputUnits: data.outputUnits, loss: data.loss };
  };
  const inUse = () => {
    const current = host.current();
    if (!current) throw new WorkerError('No model is set up yet.', 'noSession');
    return current;
  };
  const storage = (key: string): ModelStorage => {
    if (typeof key !== 'string' || !KEY.test(key)) throw new WorkerError('A saved model needs a key of letters, digits, - and _.', 'badRequest');
    const store = host.storage();
    if (!store) throw new WorkerError('Saving models in the browser is not available here. Download the model as files instead.', 'storage');
    return store;
  };

  /** The model in use as tfjs artifacts, through a copy built from its spec and weights (the session keeps its model to itself). */
  async function artifactsInUse(epoch: number): Promise<tf.io.ModelArtifacts> {
    const { session, spec } = inUse();
    const shape = shapeOf();
    const step = session.step;
    const weights = await session.readWeights();
    const model = buildModel(spec, shape.inputShape, shape.outputUnits);
    try {
      writeWeights(model, weights);
      let saved: tf.io.ModelArtifacts | null = null;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const trainedEpoch = Number.isFinite(epoch) ? Math.min(1e6, Math.max(0, epoch)) : 0;
      return portableArtifacts(saved!, shape, { step, epoch: trainedEpoch });
    } finally {
      model.dispose();
    }
  }

  /** Swaps the checked model in, after a trial build on a copy that must give finite outputs. */
  async function adopt(read: ReadModel, rawHyper: unknown): Promise<AdoptedModel> {
    if (!isRecord(rawHyper)) throw new WorkerError('The settings to train a loaded model with are missing.', 'badRequest');
    const hyper = checkAll(TRAINING_SCHEMA, rawHyper).values;
    const data = host.data()!;
    const tuning = host.current()?.tuning ?? {};
    const model = buildModel(read.spec, data.inputShape, data.outputUnits);
    let measured: Awaited<ReturnType<typeof evaluateModel>>;
    try {
      writeWeights(model, read.weights);
      measured = await evaluateModel(model, data, { evaluateTrainingSet: tuning.evaluateTrainingSet ?? false, reportPredictions: tuning.reportPredictions ?? false });
    } finally {
      model.dispose();
    }
    if ([measured.valLoss, measured.trainLoss].some((loss) => loss !== undefined && !Number.isFinite(loss))) {
      throw bad("The model's outputs are not finite numbers on this trainer's data: its weights are too large to use.");
    }
    const step = read.trained?.step ?? 0;
    const epoch = read.trained?.epoch ?? 0;
    // Training goes on from the next whole epoch (the session starts each epoch's shuffle afresh).
    const { runId, summary } = await host.adopt(read.spec, hyper, read.weights, { step, epochsDone: Math.ceil(epoch - 1e-6) });
    const evaluation: Evaluation = { step, epoch, trainLoss: Number.NaN, endOfEpoch: false, ...measured };
    return { runId, summary, spec: read.spec, evaluation, trained: read.trained };
  }

  /** Reads a stored entry or uploaded files as the trainer's model; a bad one is a 'badFile' error naming the problem. */
  function read(artifacts: tf.io.ModelArtifacts, shape: ModelShape, what: string): ReadModel {
    try {
      return readModelArtifacts(artifacts, shape);
    } catch (error) {
      throw error instanceof ModelFileError ? bad(`${what}${error.message}`) : error;
    }
  }

  /** Every check that needs no more than the files' names, sizes and model.json, then tfjs's own reader. */
  async function readUpload(files: unknown, shape: ModelShape): Promise<tf.io.ModelArtifacts> {
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => f instanceof Blob && typeof (f as File).name === 'string')) {
      throw bad(`Pick the model's files: model.json and its weights file (${WEIGHTS_FILE}).`);
    }
    const picked = files as File[];
    const huge = picked.find((f) => f.size > FILE_LIMIT_BYTES);
    if (huge) throw bad(`${huge.name} is ${(huge.size / 2 ** 20).toFixed(1)} MB; the limit is ${FILE_LIMIT_BYTES / 2 ** 20} MB a file.`);
    const jsons = picked.filter((f) => /\.json$/i.test(f.name));
    if (jsons.length !== 1) throw bad(jsons.length === 0 ? `Pick the model.json file along with ${WEIGHTS_FILE}.` : 'Pick one model.json at a time.');
    const [json] = jsons;
    let weightFiles = picked.filter((f) => f !== json);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await json.text());
    } catch (error) {
      throw bad(`${json.name} is not valid JSON (${(error instanceof Error ? error.message : String(error)).slice(0, 100)}).`);
    }
    if (!isRecord(parsed) || parsed.modelTopology == null) throw bad(`${json.name} has no "modelTopology": it is not a TensorFlow.js layers model.`);
    try {
      specFromTopology(parsed.modelTopology, shape); // the architecture first: no weights are read for a model the trainer cannot build
      const groups = Array.isArray(parsed.weightsManifest) ? parsed.weightsManifest : [];
      const specs: unknown[] = groups.flatMap((g: unknown) => (isRecord(g) && Array.isArray(g.weights) ? g.weights : []));
      if (specs.length === 0) throw new ModelFileError(`${json.name} lists no weights: it has an architecture but nothing learnt.`);
      if (weightFiles.length === 0) throw new ModelFileError(`Only ${json.name} was picked: pick its weights file (${WEIGHTS_FILE}) too.`);
      checkByteCount(manifestBytes(specs), weightFiles.reduce((n, f) => n + f.size, 0));
      // One weights file for a one-file manifest is its file, whatever the browser renamed it to ("model.weights (1).bin").
      const paths: unknown[] = groups.flatMap((g: unknown) => (isRecord(g) && Array.isArray(g.paths) ? g.paths : []));
      if (weightFiles.length === 1 && paths.length === 1 && typeof paths[0] === 'string') weightFiles = [new File([weightFiles[0]], paths[0].split('/').at(-1)!)];
    } catch (error) {
      throw error instanceof ModelFileError ? bad(error.message) : error;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(bad('Reading the model files took too long.')), READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([tf.io.browserFiles([json, ...weightFiles]).load!(), timeout]);
    } catch (error) {
      if (error instanceof WorkerError) throw error;
      throw bad(`The files do not fit together: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    saveModel: async ({ key, epoch }) => {
      const store = storage(key);
      const artifacts = await artifactsInUse(epoch);
      try {
        await store.handler(key).save!(artifacts);
      } catch (error) {
        throw new WorkerError(storageMessage(error, 'save the model'), 'storage');
      }
      const step = trainedSoFar(artifacts.userDefinedMetadata)?.step ?? 0;
      const bytes = layersModelFiles(artifacts).weights.byteLength;
      return { step, params: bytes / 4, bytes };
    },

    loadSavedModel: async ({ key, hyper }) => {
      const store = storage(key);
      const shape = shapeOf();
      let artifacts: tf.io.ModelArtifacts;
      try {
        artifacts = await store.handler(key).load!();
      } catch (error) {
        if (/cannot find model/i.test(error instanceof Error ? error.message : String(error))) {
          throw new WorkerError("This saved model's weights are no longer in the browser's storage (deleted, or cleared by the browser).", 'storage');
        }
        throw new WorkerError(storageMessage(error, 'load the model'), 'storage');
      }
      return adopt(read(artifacts, shape, 'The saved model is damaged: '), hyper);
    },

    deleteSavedModel: async ({ key }) => {
      const store = storage(key);
      try {
        await store.remove(key);
      } catch (error) {
        throw new WorkerError(storageMessage(error, 'delete the model'), 'storage');
      }
      return { removed: true };
    },

    exportModel: async ({ epoch }) => layersModelFiles(await artifactsInUse(epoch)),

    importModel: async ({ files, hyper }) => {
      const shape = shapeOf();
      const artifacts = await readUpload(files, shape);
      return adopt(read(artifacts, shape, ''), hyper);
    },
  };
}
