// TensorFlow.js layers-format models (model.json + weights), read and written in the trainer's own
// terms: a ModelSpec and its weights as plain arrays. Whatever a file or a stored entry says is
// checked here before any tensor exists, so a bad one can neither leak memory nor touch the model
// in use: the trainer builds only specs it can describe, and writes only weights that fit them.
import { tf } from './tf';
import { ACTIVATIONS, describeModel, type Activation, type LayerSpec, type ModelSpec } from './modelSpec';
import type { LossKind } from './trainingTypes';

/** The most one uploaded file may weigh (the parameter cap, 5 million floats, is 20 MB). */
export const FILE_LIMIT_BYTES = 20 * 1024 * 1024;
/** The weights file's name in a download, and its path in model.json's manifest. */
export const WEIGHTS_FILE = 'model.weights.bin';

/** A problem with a model file, in the learner's words. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** What a trainer's data fixes about any model it can train. */
export interface ModelShape {
  inputShape: number[];
  outputUnits: number;
  loss: LossKind;
}

/** How far a model was trained, kept in model.json's `userDefinedMetadata.gradientLab`. */
export interface TrainedSoFar {
  step: number;
  epoch: number;
}

export interface ReadModel {
  spec: ModelSpec;
  /** In the order of the built model's `getWeights()`: each weighted layer's kernel, then bias. */
  weights: Float32Array[];
  params: number;
  trained: TrainedSoFar | null;
}

/** The output layer's activation in a saved file, so the model gives probabilities anywhere it is loaded. */
const HEAD_ACTIVATION: Record<LossKind, string> = { softmaxCrossEntropy: 'softmax', sigmoidCrossEntropy: 'sigmoid', meanSquaredError: 'linear' };
const KNOWN_LAYERS = 'Dense, Conv2D, MaxPooling2D, Flatten and Dropout';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
const shapeText = (shape: readonly number[]) => shape.join('×');
const sameShape = (a: readonly unknown[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A square size given as `k` or `[k, k]`; NaN for anything else. */
function square(v: unknown): number {
  if (typeof v === 'number') return v;
  return Array.isArray(v) && v.length === 2 && v[0] === v[1] ? num(v[0]) : Number.NaN;
}

function activationOf(config: Json, where: string): Activation {
  const a = config.activation ?? 'linear';
  if (typeof a === 'string' && (ACTIVATIONS as readonly string[]).includes(a)) return a as Activation;
  throw new ModelFileError(`${where} uses the activation ${JSON.stringify(a)}; the trainer knows ${ACTIVATIONS.join(', ')}.`);
}

function requireBias(config: Json, where: string): void {
  if (config.use_bias === false) throw new ModelFileError(`${where} has no bias; the trainer's layers always have one.`);
}

interface Topology {
  spec: ModelSpec;
  /** The names of the weighted layers (dense, conv and the output), in order. */
  weightedLayers: string[];
}

/** The Keras-style topology of a Sequential model, as the trainer's spec; throws a ModelFileError saying what does not fit. */
export function specFromTopology(topology: unknown, shape: ModelShape): Topology {
  const root = isRecord(topology) && isRecord(topology.model_config) ? topology.model_config : topology;
  if (!isRecord(root) || typeof root.class_name !== 'string') throw new ModelFileError('model.json has no model topology that the trainer can read.');
  if (root.class_name !== 'Sequential') throw new ModelFileError(`This is a ${root.class_name.slice(0, 40)} model; the trainer loads Sequential models (a plain stack of layers).`);
  const raw = Array.isArray(root.config) ? root.config : isRecord(root.config) && Array.isArray(root.config.layers) ? root.config.layers : null;
  if (!raw || raw.length === 0) throw new ModelFileError('The model in model.json has no layers.');
  if (raw.length > 64) throw new ModelFileError(`The model has ${raw.length} layers; the trainer builds at most a few dozen.`);

  let inputShape: unknown[] | null = null;
  const layers: LayerSpec[] = [];
  const weightedLayers: string[] = [];
  const names = new Set<string>();
  let head: { units: number; name: string } | null = null;
  raw.forEach((layer: unknown, i: number) => {
    const kind = isRecord(layer) && typeof layer.class_name === 'string' ? layer.class_name.slice(0, 40) : '?';
    const config = isRecord(layer) && isRecord(layer.config) ? layer.config : {};
    const where = `Layer ${i + 1} (${kind})`;
    const declared = config.batch_input_shape ?? config.batch_shape;
    if (Array.isArray(declared) && inputShape === null) inputShape = declared.slice(1);
    const name = typeof config.name === 'string' ? config.name : '';
    if (names.has(name)) throw new ModelFileError(`Two layers are named "${name.slice(0, 60)}"; layer names must be unique.`);
    names.add(name);
    if (head) throw new ModelFileError(`${where} comes after the output layer; the trainer's models end with a dense output layer.`);
    const last = i === raw.length - 1;
    switch (kind) {
      case 'InputLayer':
        if (i !== 0) throw new ModelFileError(`${where}: an input layer can only come first.`);
        return;
      case 'Dense':
        requireBias(config, where);
        if (last) {
          const activation = config.activation ?? 'linear';
          if (activation !== 'linear' && activation !== HEAD_ACTIVATION[shape.loss]) {
            throw new ModelFileError(`The output layer uses the activation ${JSON.stringify(activation)}; this trainer needs ${HEAD_ACTIVATION[shape.loss]} (or linear).`);
          }
          head = { units: num(config.units), name };
        } else {
          layers.push({ type: 'dense', units: num(config.units), activation: activationOf(config, where) });
        }
        weightedLayers.push(name);
        return;
      case 'Conv2D': {
        requireBias(config, where);
        const ones = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
        if (!ones(config.strides) || !ones(config.dilation_rate)) throw new ModelFileError(`${where} uses strides or dilation; the trainer's convolutions step one pixel at a time.`);
        if (config.data_format !== undefined && config.data_format !== 'channels_last') throw new ModelFileError(`${where} expects channels first; the trainer's images are channels last.`);
        const padding = config.padding ?? 'valid';
        if (padding !== 'valid' && padding !== 'same') throw new ModelFileError(`${where} uses ${JSON.stringify(padding)} padding; the trainer knows "valid" and "same".`);
        layers.push({ type: 'conv2d', filters: num(config.filters), kernelSize: square(config.kernel_size), activation: activationOf(config, where), padding });
        weightedLayers.push(name);
        return;
      }
      case 'MaxPooling2D': {
        const poolSize = square(config.pool_size);
        const strides = config.strides == null ? poolSize : square(config.strides);
        if (strides !== poolSize || (config.padding ?? 'valid') !== 'valid') throw new ModelFileError(`${where} pools with overlapping windows or padding; the trainer's pooling windows do not overlap.`);
        layers.push({ type: 'maxPool2d', poolSize });
        return;
      }
      case 'Flatten':
        layers.push({ type: 'flatten' });
        return;
      case 'Dropout':
        layers.push({ type: 'dropout', rate: num(config.rate) });
        return;
      default:
        throw new ModelFileError(`${where}: the trainer cannot build a layer of this kind. It knows ${KNOWN_LAYERS}.`);
    }
  });

  const declaredInput = inputShape as unknown[] | null;
  if (!declaredInput) throw new ModelFileError('model.json does not say what shape of input the model takes.');
  if (!sameShape(declaredInput, shape.inputShape)) {
    throw new ModelFileError(`The model takes inputs of shape ${declaredInput.map(String).join('×').slice(0, 60)}; this trainer's inputs are ${shapeText(shape.inputShape)}.`);
  }
  const output = head as { units: number; name: string } | null;
  if (!output) throw new ModelFileError(`The model does not end with a dense output layer of ${shape.outputUnits} units.`);
  if (output.units !== shape.outputUnits) throw new ModelFileError(`The model gives ${String(output.units).slice(0, 20)} outputs; this trainer needs ${shape.outputUnits}.`);
  const spec: ModelSpec = { layers };
  const summary = describeModel(spec, shape.inputShape, shape.outputUnits);
  if (summary.errors.length > 0) throw new ModelFileError(summary.errors.join(' '));
  return { spec, weightedLayers };
}

/** The shape of every weight the spec's model has, in `getWeights()` order. */
export function expectedWeightShapes(spec: ModelSpec, shape: ModelShape): number[][] {
  const summary = describeModel(spec, shape.inputShape, shape.outputUnits);
  const shapes: number[][] = [];
  let input = shape.inputShape;
  summary.layers.forEach((layer, i) => {
    const hidden = spec.layers[i];
    const out = layer.outputShape;
    if (!hidden || hidden.type === 'dense') shapes.push([input[0], out[0]], [out[0]]);
    else if (hidden.type === 'conv2d') shapes.push([hidden.kernelSize, hidden.kernelSize, input[2], hidden.filters], [hidden.filters]);
    input = out;
  });
  return shapes;
}

/** Checks a weights manifest against the model and copies the weights out of `data`, which must hold exactly what the manifest promises. */
export function weightsFromManifest(specs: unknown, data: ArrayBuffer, topology: Topology, shape: ModelShape): Float32Array[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new ModelFileError('model.json lists no weights: the model has a topology but nothing learnt.');
  const expected = expectedWeightShapes(topology.spec, shape);
  const wanted = new Map<string, number>();
  topology.weightedLayers.forEach((layer, i) => {
    wanted.set(`${layer}/kernel`, 2 * i);
    wanted.set(`${layer}/bias`, 2 * i + 1);
  });
  checkByteCount(manifestBytes(specs), data.byteLength);

  const weights: (Float32Array | undefined)[] = new Array(expected.length);
  let offset = 0;
  for (const entry of specs as Json[]) {
    const name = String(entry.name);
    const index = wanted.get(name);
    if (index === undefined) throw new ModelFileError(`The weights "${name.slice(0, 60)}" belong to no layer of the model (expected names like "${topology.weightedLayers[0]}/kernel").`);
    const entryShape = entry.shape as number[];
    if (!sameShape(entryShape, expected[index])) {
      throw new ModelFileError(`The weights "${name}" have shape ${shapeText(entryShape)}, but the layer needs ${shapeText(expected[index])}.`);
    }
    const size = entryShape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(data.slice(offset, offset + 4 * size));
    offset += 4 * size;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ModelFileError(`The weights "${name}" contain ${String(values[bad])} (value ${bad + 1} of ${size}); every weight must be a finite number.`);
    weights[index] = values;
  }
  const missing = [...wanted].find(([, index]) => !weights[index]);
  if (missing) throw new ModelFileError(`The weights file has no values for "${missing[0]}".`);
  return weights as Float32Array[];
}

/** The weights must be exactly as long as model.json promises. */
export function checkByteCount(promised: number, actual: number): void {
  if (actual === 0) throw new ModelFileError('The weights file is empty.');
  if (actual < promised) throw new ModelFileError(`The weights file is truncated: model.json promises ${promised.toLocaleString('en')} bytes, the file has ${actual.toLocaleString('en')}.`);
  if (actual > promised) throw new ModelFileError(`The weights file has ${actual.toLocaleString('en')} bytes, but model.json describes ${promised.toLocaleString('en')}: the two files do not belong together.`);
}

/** The bytes a manifest's weight entries promise; throws on entries that are not float32 arrays of a sane size. */
export function manifestBytes(specs: readonly unknown[]): number {
  let total = 0;
  for (const entry of specs) {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelFileError('model.json has a weights entry without a name and a shape.');
    }
    if (entry.dtype !== 'float32') throw new ModelFileError(`The weights "${entry.name.slice(0, 60)}" are ${JSON.stringify(entry.dtype)}; the trainer reads float32 weights only.`);
    if (entry.quantization != null) throw new ModelFileError(`The weights "${entry.name.slice(0, 60)}" are quantised; save the model without quantisation.`);
    total += 4 * (entry.shape as number[]).reduce((a, b) => a * b, 1);
    if (total > FILE_LIMIT_BYTES) throw new ModelFileError(`model.json describes more than ${FILE_LIMIT_BYTES / 2 ** 20} MB of weights; the trainer takes models up to ${FILE_LIMIT_BYTES / 2 ** 20} MB.`);
  }
  return total;
}

/** How far the file says it was trained, when it comes from Gradient Lab (clamped to sane numbers). */
export function trainedSoFar(metadata: unknown): TrainedSoFar | null {
  const ours = isRecord(metadata) && isRecord(metadata.gradientLab) ? metadata.gradientLab : null;
  if (!ours) return null;
  const step = num(ours.step);
  const epoch = num(ours.epoch);
  if (!Number.isFinite(step) || !Number.isFinite(epoch)) return null;
  return { step: Math.min(1e9, Math.max(0, Math.round(step))), epoch: Math.min(1e6, Math.max(0, epoch)) };
}

/** Reads a loaded or stored model (tfjs ModelArtifacts) as the trainer's spec and weights. */
export function readModelArtifacts(artifacts: tf.io.ModelArtifacts, shape: ModelShape): ReadModel {
  const topology = specFromTopology(artifacts.modelTopology, shape);
  const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const weights = weightsFromManifest(artifacts.weightSpecs, data, topology, shape);
  return { spec: topology.spec, weights, params: weights.reduce((n, w) => n + w.length, 0), trained: trainedSoFar(artifacts.userDefinedMetadata) };
}

/**
 * The topology as Keras's own converter writes it: `{ keras_version, backend, model_config }`.
 * tfjs saves the model config with the version beside it; tf.loadLayersModel reads both forms, and
 * so does the Python tensorflowjs loader for Keras 2, but its Keras 3 loader requires model_config.
 */
function kerasTopology(topology: tf.io.ModelArtifacts['modelTopology']): object {
  if (!isRecord(topology) || isRecord(topology.model_config)) return topology as object;
  const { keras_version, backend, ...modelConfig } = topology;
  return { keras_version, backend, model_config: modelConfig };
}

/** Artifacts as the trainer saves them: an output layer that gives probabilities, and how far it was trained. */
export function portableArtifacts(artifacts: tf.io.ModelArtifacts, shape: ModelShape, trained: TrainedSoFar): tf.io.ModelArtifacts {
  const topology = structuredClone(artifacts.modelTopology) as Json;
  const layers = (topology.config as Json).layers as Json[];
  (layers.at(-1)!.config as Json).activation = HEAD_ACTIVATION[shape.loss];
  return { ...artifacts, modelTopology: topology, userDefinedMetadata: { gradientLab: { ...trained } } };
}

/** model.json's text and the weights file's bytes: the layers format `tf.loadLayersModel` reads. */
export function layersModelFiles(artifacts: tf.io.ModelArtifacts): { json: string; weights: Uint8Array } {
  // The fields of tfjs's own getModelJSONForModelArtifacts (not exported by tfjs-core 4.22).
  const modelJson: tf.io.ModelJSON = {
    modelTopology: kerasTopology(artifacts.modelTopology),
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.userDefinedMetadata && { userDefinedMetadata: artifacts.userDefinedMetadata }),
  };
  const json = JSON.stringify(modelJson);
  const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  return { json, weights: new Uint8Array(data) };
}
