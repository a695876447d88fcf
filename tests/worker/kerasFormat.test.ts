// The Python/Keras route (the `tensorflowjs` pip package's converter) cannot run here: only npm and
// Debian packages are reachable. So it is checked by format: a downloaded model.json has exactly
// what tensorflowjs/converters/keras_tfjs_loader.py's load_keras_model and read_weights.py read
// (tfjs-converter 4.x), and the code panel's Python lines call them as they are meant to be called.
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_PRESETS, type ModelSpec } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { generateCode } from '../../src/ml/codegen';
import { WEIGHTS_FILE } from '../../src/ml/modelFormat';
import { useCpu } from '../ml/helpers';
import { connect } from './connect';
import { memoryModelStorage } from './modelStorageFakes';

beforeAll(useCpu);

const hyper = { ...defaults(TRAINING_SCHEMA), epochs: 0 };
/** Every kind of layer the trainer builds, so each one's Keras config is checked. */
const ALL_LAYERS: ModelSpec = {
  layers: [...MNIST_PRESETS.cnn.layers, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout', rate: 0.2 }],
};

async function downloaded(spec: ModelSpec) {
  const connection = connect({ modelStorage: memoryModelStorage() });
  await connection.client.call('init', { backend: 'cpu' });
  await connection.client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 128, validationCount: 100 } });
  await connection.client.call('configure', { spec, hyper, tuning: {} });
  await connection.client.call('step', {});
  const files = await connection.client.call('exportModel', { epoch: 0.1 });
  const weights = (await connection.client.call('weights', {})).values;
  await connection.client.call('dispose', {});
  return { json: JSON.parse(files.json) as Record<string, unknown>, bytes: files.weights, weights };
}

/** Every key of a Keras config object is snake_case: Keras rejects tfjs's camelCase arguments. */
function camelCaseKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => camelCaseKeys(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => [...(/^[a-z0-9_]+$/.test(key) ? [] : [`${path}.${key}`]), ...camelCaseKeys(v, `${path}.${key}`)]);
}

describe('a downloaded model, as the Python tensorflowjs converter reads it', () => {
  it('has the fields load_keras_model reads: format, generatedBy, convertedBy, modelTopology (keras_version, backend, model_config) and weightsManifest', async () => {
    const { json, bytes, weights } = await downloaded(ALL_LAYERS);
    expect(Object.keys(json).sort()).toEqual(['convertedBy', 'format', 'generatedBy', 'modelTopology', 'userDefinedMetadata', 'weightsManifest']);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v\d+\.\d+\.\d+$/);
    expect(json.convertedBy).toBeNull();

    // modelTopology: Keras's model_from_json gets model_config (the loader unwraps it).
    const topology = json.modelTopology as { keras_version: unknown; backend: unknown; model_config: { class_name: string; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] } } };
    expect(topology.keras_version).toMatch(/^tfjs-layers \d+\.\d+\.\d+$/);
    expect(topology.backend).toBe('tensor_flow.js');
    expect(topology.model_config.class_name).toBe('Sequential');
    const layers = topology.model_config.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'Dense']);
    expect(layers[0].config.batch_input_shape).toEqual([null, 28, 28, 1]);
    expect(camelCaseKeys(topology.model_config)).toEqual([]);
    const names = layers.map((l) => l.config.name as string);
    expect(new Set(names).size).toBe(names.length);

    // weightsManifest: one group; read_weights joins each path to model.json's folder and reads
    // the weights in order, float32, each shape's product of values.
    const manifest = json.weightsManifest as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0].paths).toEqual([`./${WEIGHTS_FILE}`]);
    for (const entry of manifest[0].weights) {
      expect(Object.keys(entry).sort()).toEqual(['dtype', 'name', 'shape']);
      expect(entry.dtype).toBe('float32');
      expect(entry.shape.every((d) => Number.isInteger(d) && d > 0)).toBe(true);
    }
    // Keras names a layer's weights "<layer name>/kernel" and "/bias" (":0" dropped by the loader): the manifest must use the same names.
    const withWeights = layers.filter((l) => l.class_name === 'Conv2D' || l.class_name === 'Dense').map((l) => l.config.name as string);
    expect(manifest[0].weights.map((w) => w.name)).toEqual(withWeights.flatMap((name) => [`${name}/kernel`, `${name}/bias`]));

    // decode_weights, as read_weights.py does it: consecutive little-endian float32 runs.
    let offset = 0;
    const decoded = manifest[0].weights.map((entry) => {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
      offset += count * 4;
      return values;
    });
    expect(offset).toBe(bytes.byteLength);
    expect(decoded).toEqual(weights);
  });

  it('the code panel’s Python lines load those files the way tensorflowjs is called', () => {
    const code = generateCode({ spec: MNIST_PRESETS.cnn, inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', hyper, dataDescription: 'digits', downloadedModel: true });
    const python = code.slice(code.indexOf('// In Python')).split('\n').filter((line) => line.startsWith('//   ')).map((line) => line.slice(5).trim());
    expect(python).toEqual([
      // The converter's command line: a TensorFlow.js layers model in, a Keras HDF5 file out.
      'tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5',
      'import tensorflowjs as tfjs',
      // load_keras_model(config_json_path): the weights are read from the paths in the manifest,
      // relative to the folder model.json is in, so the two downloaded files must stay together.
      "model = tfjs.converters.load_keras_model('model.json')",
    ]);
    expect(code).toMatch(/pip install tensorflowjs/);
  });
});
