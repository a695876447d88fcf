import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../src/ml/tf';
import { MNIST_PRESETS, type ModelSpec } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { generateCode } from '../../src/ml/codegen';
import { WorkerError, type Calls, type CallType, type RequestMessage, type WorkerMessage } from '../../src/worker/protocol';
import { useCpu } from '../ml/helpers';
import { connect, type Connection } from './connect';
import { installFileReader, memoryModelStorage, type MemoryStorage } from './modelStorageFakes';

beforeAll(async () => {
  await useCpu();
  installFileReader();
});

const SMALL: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout', rate: 0.1 }] };
const hyper = { ...defaults(TRAINING_SCHEMA), epochs: 0 };

interface Trainer extends Connection {
  storage: MemoryStorage;
}

/** A worker on 256 training digits (500 held out) with `spec`, trained `steps` steps. */
async function trainer(spec: ModelSpec = SMALL, steps = 3, storage = memoryModelStorage()): Promise<Trainer> {
  const connection = connect({ modelStorage: storage });
  await connection.client.call('init', { backend: 'cpu' });
  await connection.client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 256, validationCount: 500 } });
  await connection.client.call('configure', { spec, hyper, tuning: { reportPredictions: true, evaluationsPerEpoch: 1 } });
  for (let i = 0; i < steps; i++) await connection.client.call('step', {});
  return { ...connection, storage };
}

let nextId = 10_000;
/** Sends a request straight to the handler and returns its reply: Node's structured clone drops a File's name, a browser's keeps it. */
async function direct<K extends CallType>(t: Connection, type: K, request: Calls[K]['request']): Promise<Calls[K]['reply']> {
  const id = nextId++;
  await t.handler.handle({ type, id, ...request } as RequestMessage);
  const reply = t.posted.find((m): m is Extract<WorkerMessage, { type: 'reply' }> => m.type === 'reply' && m.id === id)!;
  if (!reply.ok) throw new WorkerError(reply.error.message, reply.error.code);
  return reply.result as Calls[K]['reply'];
}

async function digits(t: Connection, count = 5): Promise<Float32Array> {
  const images = await t.client.call('validationImages', { limit: count });
  return Float32Array.from(images.pixels, (p) => p / 255);
}

async function predict(t: Connection, x: Float32Array, count = 5): Promise<Float32Array> {
  return (await t.client.call('predict', { x: x.slice(), count })).values;
}

function bitEqual(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((w, i) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
}

function modelFiles(files: { json: string; weights: Uint8Array }): File[] {
  return [new File([files.json], 'model.json'), new File([files.weights.slice()], 'model.weights.bin')];
}

describe('saving and loading models in the browser', () => {
  it('round-trips the weights bit-exactly: same predictions, training goes on from the saved step, no tensor left behind', async () => {
    const baseline = tf.memory().numTensors;
    const t = await trainer();
    const x = await digits(t);
    const weights = (await t.client.call('weights', {})).values;
    const probabilities = await predict(t, x);
    expect(await t.client.call('saveModel', { key: 'first', epoch: 0.09 })).toEqual({ step: 3, params: 784 * 16 + 16 + 170, bytes: 4 * (784 * 16 + 16 + 170) });

    await t.client.call('reset', {});
    expect(bitEqual((await t.client.call('weights', {})).values, weights)).toBe(false);
    const inUse = tf.memory().numTensors;
    const loaded = await t.client.call('loadSavedModel', { key: 'first', hyper });
    expect(tf.memory().numTensors).toBe(inUse);
    expect(loaded.spec).toEqual(SMALL);
    expect(loaded.trained).toEqual({ step: 3, epoch: 0.09 });
    expect(bitEqual((await t.client.call('weights', {})).values, weights)).toBe(true);
    expect(Array.from(await predict(t, x))).toEqual(Array.from(probabilities));
    // The accuracy it comes back with is the model's own on the validation digits.
    const shown = loaded.evaluation.predictions!;
    const images = await t.client.call('validationImages', { limit: 500 });
    expect(shown).toHaveLength(500);
    expect(loaded.evaluation.valAccuracy).toBeCloseTo(shown.filter((p, i) => p === images.labels[i]).length / 500, 6);
    expect((await t.client.call('step', {})).step).toBe(4);

    await t.client.call('deleteSavedModel', { key: 'first' });
    await expect(t.client.call('loadSavedModel', { key: 'first', hyper })).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/no longer in the browser's storage/) });
    await t.client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('reports a full or refused storage, keeps the earlier save, and names a damaged stored entry', async () => {
    const t = await trainer();
    const before = await t.client.call('weights', {});
    await t.client.call('saveModel', { key: 'kept', epoch: 0 });
    t.storage.failSaves = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    await expect(t.client.call('saveModel', { key: 'newer', epoch: 0 })).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/storage for this site is full/) });
    t.storage.failSaves = new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
    await expect(t.client.call('saveModel', { key: 'newer', epoch: 0 })).rejects.toMatchObject({ message: expect.stringMatching(/does not let the page store data/) });
    expect([...t.storage.entries.keys()]).toEqual(['kept']);

    const kept = t.storage.entries.get('kept')!;
    t.storage.entries.set('broken', { ...kept, weightData: new ArrayBuffer(12) });
    const tensors = tf.memory().numTensors;
    await expect(t.client.call('loadSavedModel', { key: 'broken', hyper })).rejects.toMatchObject({ code: 'badFile', message: expect.stringMatching(/^The saved model is damaged: The weights file is truncated/) });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(bitEqual((await t.client.call('weights', {})).values, before.values)).toBe(true);
    await expect(t.client.call('loadSavedModel', { key: '../../etc', hyper })).rejects.toMatchObject({ code: 'badRequest' });

    const nowhere = connect();
    await nowhere.client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 64 } });
    await nowhere.client.call('configure', { spec: SMALL, hyper });
    await expect(nowhere.client.call('saveModel', { key: 'x', epoch: 0 })).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/not available here/) });
    await nowhere.client.call('dispose', {});
    await t.client.call('dispose', {});
  });
});

describe('downloading and uploading model files', () => {
  it('downloads layers-format files that tf.loadLayersModel reads (with the Node code the code panel shows), and that a fresh trainer uploads bit-exactly', async () => {
    const baseline = tf.memory().numTensors;
    const source = await trainer(MNIST_PRESETS.cnn, 2);
    const x = await digits(source);
    const probabilities = await predict(source, x);
    const files = await source.client.call('exportModel', { epoch: 0.25 });
    const manifest = JSON.parse(files.json);
    expect(manifest.format).toBe('layers-model');
    expect(manifest.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    expect(manifest.userDefinedMetadata).toEqual({ gradientLab: { step: 2, epoch: 0.25 } });

    // The "Show me the code" lines for Node, run on the downloaded files.
    const dir = mkdtempSync(join(tmpdir(), 'gradient-lab-model-'));
    try {
      writeFileSync(join(dir, 'model.json'), files.json);
      writeFileSync(join(dir, 'model.weights.bin'), files.weights);
      const code = generateCode({ spec: MNIST_PRESETS.cnn, inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', hyper, dataDescription: 'digits', downloadedModel: true });
      const script = code
        .split('\n')
        .filter((line) => line.startsWith('//   '))
        .map((line) => line.slice(5))
        .join('\n')
        .split('\nWith')[0];
      const nodeLines = script.slice(0, script.indexOf('model.predict')).replace(/^import .*$/gm, '');
      const readFile = async (name: string, encoding?: 'utf8') => readFileSync(join(dir, name), encoding);
      const run = new Function('tf', 'readFile', `return (async () => {${nodeLines}\nreturn model;})();`) as (t: typeof tfjs, r: typeof readFile) => Promise<tfjs.LayersModel>;
      const model = await run(tfjs, readFile);
      const output = tfjs.tidy(() => model.predict(tfjs.tensor(x, [5, 28, 28, 1])) as tfjs.Tensor);
      const loadedProbabilities = await output.data();
      output.dispose();
      model.dispose();
      Array.from(loadedProbabilities).forEach((p, i) => expect(p).toBeCloseTo(probabilities[i], 5));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const fresh = await trainer(MNIST_PRESETS.linear, 0);
    const uploaded = await direct(fresh, 'importModel', { files: modelFiles(files), hyper });
    expect(uploaded.spec).toEqual(MNIST_PRESETS.cnn);
    expect(uploaded.summary.totalParams).toBe((await source.client.call('weights', {})).values.reduce((n, w) => n + w.length, 0));
    expect(uploaded.trained).toEqual({ step: 2, epoch: 0.25 });
    expect(bitEqual((await fresh.client.call('weights', {})).values, (await source.client.call('weights', {})).values)).toBe(true);
    expect(Array.from(await predict(fresh, x))).toEqual(Array.from(probabilities));
    await source.client.call('dispose', {});
    await fresh.client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('rejects every bad upload within 2 s with a message naming the problem, keeping the model in use and every tensor count', async () => {
    const t = await trainer();
    const good = await t.client.call('exportModel', { epoch: 0 });
    const before = (await t.client.call('weights', {})).values;
    const tensors = tf.memory().numTensors;
    const edit = (change: (json: { modelTopology: { model_config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } }; weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[] }) => void) => {
      const json = JSON.parse(good.json);
      change(json);
      return JSON.stringify(json);
    };
    const nanWeights = good.weights.slice();
    new Float32Array(nanWeights.buffer)[100] = Number.NaN;
    const file = (content: BlobPart, name: string) => new File([content], name);
    const json = (text = good.json) => file(text, 'model.json');
    const bin = (bytes: BlobPart = good.weights.slice()) => file(bytes, 'model.weights.bin');
    const cases: [string, File[], RegExp][] = [
      ['a .json that is not JSON', [json('{"modelTopology": [1, 2'), bin()], /model\.json is not valid JSON/],
      ['topology without weights (no weights file)', [json()], /pick its weights file \(model\.weights\.bin\) too/],
      ['topology without weights (empty manifest)', [json(edit((j) => (j.weightsManifest = []))), bin()], /lists no weights/],
      ['truncated weights', [json(), bin(good.weights.slice(0, 1000))], new RegExp(`truncated: model\\.json promises ${good.weights.byteLength.toLocaleString('en')} bytes, the file has 1,000`)],
      ['empty weights', [json(), bin(new Uint8Array(0))], /The weights file is empty/],
      ['wrong shapes', [json(edit((j) => j.weightsManifest[0].weights[0].shape.reverse())), bin()], /have shape 16×784, but the layer needs 784×16/],
      ['wrong names', [json(edit((j) => (j.weightsManifest[0].weights[1].name = 'mystery/bias'))), bin()], /"mystery\/bias" belong to no layer/],
      ['wrong dtypes', [json(edit((j) => (j.weightsManifest[0].weights[0].dtype = 'int32'))), bin()], /are "int32"; the trainer reads float32 weights only/],
      ['an unknown layer', [json(edit((j) => (j.modelTopology.model_config.config.layers[1].class_name = 'LSTM'))), bin()], /Layer 2 \(LSTM\): the trainer cannot build a layer of this kind/],
      ['NaN weights', [json(), bin(nanWeights)], /contain NaN \(value 101 of 12544\)/],
      ['absurd units', [json(edit((j) => (j.modelTopology.model_config.config.layers[1].config.units = 2e8))), bin()], /units must be a whole number from 1 to 1024/],
      ['a 50 MB file', [json(), bin(new Uint8Array(50 * 2 ** 20))], /model\.weights\.bin is 50\.0 MB; the limit is 20 MB/],
      ['another input shape', [json(edit((j) => (j.modelTopology.model_config.config.layers[0].config.batch_input_shape = [null, 32, 32, 3]))), bin()], /takes inputs of shape 32×32×3; this trainer's inputs are 28×28×1/],
      ['another number of outputs', [json(edit((j) => (j.modelTopology.model_config.config.layers.at(-1)!.config.units = 12))), bin()], /gives 12 outputs; this trainer needs 10/],
      ['no files at all', [], /Pick the model's files/],
    ];
    for (const [name, files, message] of cases) {
      const start = performance.now();
      const attempt = direct(t, 'importModel', { files, hyper });
      await expect(attempt, name).rejects.toMatchObject({ code: 'badFile', message: expect.stringMatching(message) });
      expect(performance.now() - start, name).toBeLessThan(2000);
      expect(tf.memory().numTensors, name).toBe(tensors);
    }
    expect(bitEqual((await t.client.call('weights', {})).values, before)).toBe(true);
    // …and the good files still load.
    await direct(t, 'importModel', { files: [json(), bin()], hyper });
    expect(bitEqual((await t.client.call('weights', {})).values, before)).toBe(true);
    await t.client.call('dispose', {});
  });
});
