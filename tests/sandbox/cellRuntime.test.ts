// runCell as the cell's worker drives it, on tfjs's CPU backend in Node: the learner's code is
// `body` (what cellScript wraps their code in), its output goes through a real CellOutbox, and
// the messages it posts are collected.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellOutbox } from '../../src/sandbox/CellOutbox';
import { cellConsole, runCell, userPosition, type CellBody, type CellEnvironment, type WorkerToFrame } from '../../src/sandbox/cellRuntime';
import type { CellInputs, CellOutputItem } from '../../src/sandbox/cellProtocol';
import { generateLine } from '../../src/ml/toyData';
import { decodeMnist, DIGITS_SPLIT, gunzip, stratifiedSplit } from '../../src/ml/mnist';
import { ASSET_PATH } from '../ml/helpers';

// As cellWorker.ts hands it to the learner: tfjs with its layers API.
const tf = Object.freeze({ ...tfc, ...tfl, version: tfc.version_core }) as unknown as typeof tfc;
type Layers = typeof tfc & typeof tfl;

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await tfc.ready();
});

interface Run {
  messages: WorkerToFrame[];
  items: CellOutputItem[];
  last: WorkerToFrame;
}

/** Runs `body` once as the worker would, with the code on script lines 10–20. */
async function run(body: CellBody, inputs: Partial<CellInputs> = {}, lines = { firstLine: 10, lastLine: 20 }): Promise<Run> {
  const messages: WorkerToFrame[] = [];
  const items: CellOutputItem[] = [];
  const outbox = new CellOutbox((batch) => items.push(...batch));
  const environment: CellEnvironment = { tf, post: (message) => messages.push(message), now: () => performance.now(), backend: 'cpu' };
  await runCell(body, { inputs: { settings: {}, ...inputs }, ...lines }, environment, cellConsole(outbox), outbox);
  return { messages, items, last: messages.at(-1)! };
}

const linesOf = (items: CellOutputItem[]) => items.flatMap((item) => (item.kind === 'line' ? [item.text] : []));

describe('runCell', () => {
  it('says it started and ended, and prints what the code logs', async () => {
    const { messages, items } = await run(async (tf, _lab, console) => {
      console.log(1, 2.5, -0);
      console.log('hello', 'world');
      console.info({ a: 1, b: [1, 2, 3], c: { d: 'e' } });
      console.warn(tf.tensor1d([1, 2, 3]));
      console.error('bad');
      console.debug('quiet');
    });
    expect(messages[0]).toMatchObject({ type: 'started', backend: 'cpu' });
    expect(messages.at(-1)).toMatchObject({ type: 'done' });
    expect(items).toEqual([
      { kind: 'line', level: 'log', text: '1 2.5 -0' },
      { kind: 'line', level: 'log', text: 'hello world' },
      { kind: 'line', level: 'info', text: '{ a: 1, b: [1, 2, 3], c: { d: "e" } }' },
      { kind: 'line', level: 'warn', text: expect.stringContaining('[1, 2, 3]') },
      { kind: 'line', level: 'error', text: 'bad' },
      { kind: 'line', level: 'log', text: 'quiet' },
    ]);
    expect(linesOf(items)[3]).toMatch(/^Tensor/);
  });

  it('sends lab.report figures and lab.chart points', async () => {
    const { items, last } = await run(async (_tf, lab) => {
      lab.report({ loss: 0.25, name: 'mse', passed: true });
      const chart = lab.chart({ title: 'My loss', x: 'epoch' });
      chart.add({ epoch: 1, loss: 0.5 });
      chart.add({ epoch: 2, loss: 0.4, accuracy: 0.9, val_loss: 0.45, val_acc: 0.85 });
      chart.add({ loss: Number.NaN });
    });
    expect(last.type).toBe('done');
    expect(items).toEqual([
      { kind: 'report', figures: { loss: 0.25, name: 'mse', passed: true } },
      {
        kind: 'chart',
        id: 1,
        title: 'My loss',
        xTitle: 'epoch',
        points: [{ x: 1, loss: 0.5 }, { x: 2, loss: 0.4, valLoss: 0.45, accuracy: 90, valAccuracy: 85 }, { x: 2 }],
      },
    ]);
  });

  it('fails the run on a figure lab.report may not take', async () => {
    const bad = await run(async (_tf, lab) => lab.report(JSON.parse('{"__proto__": 1}')));
    expect(bad.last).toMatchObject({ type: 'failed', error: { name: 'TypeError', message: expect.stringContaining('__proto__') } });
    const infinite = await run(async (_tf, lab) => lab.report({ loss: Infinity }));
    expect(infinite.last).toMatchObject({ type: 'failed', error: { name: 'TypeError' } });
  });

  it('draws the charts of model.fit through lab.chart().callbacks()', async () => {
    const { items, last } = await run(async (tf, lab) => {
      const t = tf as unknown as Layers;
      const model = t.sequential({ layers: [t.layers.dense({ units: 1, inputShape: [1] })] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const xs = t.tensor2d([0, 1, 2, 3], [4, 1]);
      const ys = t.tensor2d([1, 3, 5, 7], [4, 1]);
      await model.fit(xs, ys, { epochs: 2, batchSize: 2, validationData: [xs, ys], callbacks: lab.chart().callbacks() });
    });
    expect(last.type).toBe('done');
    const points = items.flatMap((item) => (item.kind === 'chart' ? item.points : []));
    // Two batches an epoch, then the epoch's validation loss at the last step.
    expect(points.map((p) => p.x)).toEqual([1, 2, 2, 3, 4, 4]);
    expect(points.filter((p) => p.loss !== undefined)).toHaveLength(4);
    expect(points.filter((p) => p.valLoss !== undefined)).toHaveLength(2);
  });

  it('shows a table', async () => {
    const { items } = await run(async (_tf, lab) => {
      lab.table([{ lr: 0.1, loss: 0.3 }, { lr: 0.01, loss: 0.5, note: 'slow' }], { title: 'Rates' });
      lab.table([[1, 2], [3, 4]]);
    });
    expect(items).toEqual([
      { kind: 'table', id: 1, title: 'Rates', columns: ['lr', 'loss', 'note'], rows: [[0.1, 0.3, ''], [0.01, 0.5, 'slow']] },
      { kind: 'table', id: 2, title: '', columns: ['0', '1'], rows: [[1, 2], [3, 4]] },
    ]);
  });

  it('shows images from a tensor: values 0–1 scaled to bytes, others stretched', async () => {
    const values = new Float32Array(4 * 28 * 28).map((_, i) => (i % 256) / 255);
    values[0] = 1;
    values[1] = 0.5;
    const { items, last } = await run(async (tf, lab) => {
      await lab.images(tf.tensor3d(values, [4, 28, 28]), { title: 'Digits', labels: [7, 'two', 1, 0, 9] });
      await lab.images(tf.tensor2d([-2, 0, 2, 6], [2, 2]));
    });
    expect(last.type).toBe('done');
    const [grey, bytes] = items;
    if (grey.kind !== 'images' || bytes.kind !== 'images') throw new Error('expected two image items');
    expect(grey).toMatchObject({ id: 1, title: 'Digits', count: 4, height: 28, width: 28, channels: 1, labels: ['7', 'two', '1', '0'] });
    expect(grey.pixels).toBeInstanceOf(Uint8ClampedArray);
    expect(grey.pixels.length).toBe(4 * 28 * 28);
    expect(grey.pixels[0]).toBe(255);
    expect(grey.pixels[1]).toBe(128);
    expect(grey.pixels[2]).toBe(2);
    expect(grey.pixels[255]).toBe(255);
    expect(grey.pixels[256]).toBe(0);
    // Values outside 0–1 (a feature map) are stretched from their lowest (black) to their highest (white).
    expect(bytes).toMatchObject({ count: 1, height: 2, width: 2, channels: 1 });
    expect(Array.from(bytes.pixels)).toEqual([0, 64, 128, 255]);
  });

  it('fails on a tensor that is not images', async () => {
    const { last } = await run(async (tf, lab) => lab.images(tf.zeros([2, 4, 4, 2])));
    expect(last).toMatchObject({ type: 'failed', error: { name: 'TypeError', message: expect.stringContaining('[2, 4, 4, 2]') } });
  });
});

describe('errors', () => {
  /** An error whose stack names script line 12 (the learner's line 3), column 5, as an engine writes it. */
  const thrown = (stack: string) => Object.assign(new Error('boom'), { stack });

  it.each([
    ['Chromium (blob:)', 'Error: boom\n    at blob:null/1b2c-3d:12:5'],
    ['Chromium, named frame', 'Error: boom\n    at train (blob:null/1b2c-3d:12:5)\n    at blob:null/1b2c-3d:3:1'],
    ['Firefox', 'train@blob:null/1b2c-3d:12:5\n@blob:null/1b2c-3d:3:1\n'],
    ['WebKit (data: URL)', 'train@data:text/javascript;charset=utf-8,self.__cellStart(async%20(tf%2C%20lab)%20%3D%3E%20%7B:12:5\nglobal code@data:text/javascript,x:2:1'],
  ])('names the learner\'s line from a %s stack', async (_engine, stack) => {
    const { last } = await run(async () => {
      throw thrown(stack);
    });
    expect(last).toEqual({ type: 'failed', error: { name: 'Error', message: 'boom', line: 3, column: 5 } });
  });

  it('reads the first frame within the code, skipping the runtime\'s', () => {
    const stack = 'TypeError: x\n    at Object.f (blob:null/a:4:10)\n    at g (blob:null/a:15:7)\n    at blob:null/a:11:2';
    expect(userPosition(stack, 10, 20)).toEqual({ line: 6, column: 7 });
    expect(userPosition(stack, 10, 10)).toBeUndefined();
    expect(userPosition('Error: x\n    at blob:null/a:10:1', 10, 20)).toEqual({ line: 1, column: 1 });
    expect(userPosition('Error: x\n    at blob:null/a:20:1', 10, 20)).toEqual({ line: 11, column: 1 });
    expect(userPosition('Error: x\n    at blob:null/a:21:1', 10, 20)).toBeUndefined();
    expect(userPosition(undefined, 10, 20)).toBeUndefined();
  });

  it('gives no line when the stack never reaches the code', async () => {
    const { last } = await run(async () => {
      throw thrown('RangeError: r\n    at blob:null/a:2:3\n    at blob:null/a:40:1');
    });
    expect(last).toEqual({ type: 'failed', error: { name: 'Error', message: 'boom' } });
  });

  it('reports something thrown that is not an Error', async () => {
    const { last } = await run(async () => {
      throw { code: 42 };
    });
    expect(last).toEqual({ type: 'failed', error: { name: 'Error', message: 'The code threw { code: 42 }, which is not an Error.' } });
  });

  it('sends what was printed before the error', async () => {
    const { items, messages } = await run(async (_tf, _lab, console) => {
      console.log('before');
      throw new RangeError('after');
    });
    expect(linesOf(items)).toEqual(['before']);
    expect(messages.at(-1)).toMatchObject({ type: 'failed', error: { name: 'RangeError', message: 'after' } });
  });
});

describe('memory', () => {
  /** Makes tensors, variables and a model trained with adam, as a learner's cell would; throws after it if asked. */
  const training =
    (throwAfter = false): CellBody =>
    async (tf, lab, console) => {
      const t = tf as unknown as Layers;
      const a = t.tensor2d([1, 2, 3, 4], [2, 2]);
      const b = a.matMul(a).add(1);
      const w = t.variable(t.randomNormal([2, 2]), true, 'w');
      console.log(b.mul(w).sum());
      const model = t.sequential({ layers: [t.layers.dense({ units: 8, inputShape: [2], activation: 'relu' }), t.layers.dense({ units: 1 })] });
      model.compile({ optimizer: t.train.adam(0.01), loss: 'meanSquaredError' });
      const xs = t.randomUniform([16, 2]);
      const ys = xs.sum(1, true);
      const history = await model.fit(xs, ys, { epochs: 2, batchSize: 4, validationSplit: 0.25, callbacks: lab.chart().callbacks() });
      console.log(history.history.loss.length);
      model.predict(xs);
      if (throwAfter) throw new Error('midway');
      await lab.images(t.randomUniform([2, 28, 28]));
    };

  it('frees every tensor and variable the code made', async () => {
    const before = tf.memory().numTensors;
    const { messages, last } = await run(training());
    expect(messages[0]).toMatchObject({ type: 'started', baselineTensors: before });
    expect(last).toMatchObject({ type: 'done', tensorsLeft: before, baselineTensors: before });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees them when the code throws midway', async () => {
    const before = tf.memory().numTensors;
    const { last } = await run(training(true));
    expect(last).toMatchObject({ type: 'failed', error: { message: 'midway' } });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees them run after run', async () => {
    const before = tf.memory().numTensors;
    const first = await run(training());
    const second = await run(training());
    expect(first.last).toMatchObject({ type: 'done', tensorsLeft: before, baselineTensors: before });
    expect(second.last).toMatchObject({ type: 'done', tensorsLeft: before, baselineTensors: before });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees what tfjs keeps out of every scope too (SGD keeps its learning rate with tf.keep)', async () => {
    const before = tf.memory().numTensors;
    const { last } = await run(async (core) => {
      const t = core as unknown as Layers;
      const model = t.sequential({ layers: [t.layers.dense({ units: 1, inputShape: [2] })] });
      model.compile({ optimizer: t.train.sgd(0.1), loss: 'meanSquaredError' });
      const xs = t.randomUniform([8, 2]);
      await model.fit(xs, xs.sum(1, true), { epochs: 1, batchSize: 4 });
      t.keep(t.scalar(3));
    });
    expect(last).toMatchObject({ type: 'done', tensorsLeft: before, baselineTensors: before });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is not upset by code that frees its own tensors', async () => {
    const before = tf.memory().numTensors;
    const { last } = await run(async (tf) => {
      const a = tf.tensor1d([1, 2]);
      a.dispose();
      tf.tidy(() => tf.ones([3]).add(1));
      tf.disposeVariables();
    });
    expect(last).toMatchObject({ type: 'done', tensorsLeft: before });
  });
});

describe('lab.data', () => {
  it('line() gives the line widget\'s points for the settings', async () => {
    const settings = { count: 12, slope: -1.5, intercept: 0.25, noise: 0.3, seed: 7 };
    const expected = generateLine(settings);
    let got: { x: number[]; y: number[]; xs: number[][]; ys: number[][]; shape: number[] } | null = null;
    const { last } = await run(
      async (_tf, lab) => {
        const line = lab.data.line();
        got = { x: line.x, y: line.y, xs: (await line.xs.array()) as number[][], ys: (await line.ys.array()) as number[][], shape: line.xs.shape };
      },
      { settings },
    );
    expect(last.type).toBe('done');
    expect(got!.x).toEqual(Array.from(expected.x));
    expect(got!.y).toEqual(Array.from(expected.y));
    expect(got!.shape).toEqual([12, 1]);
    expect(got!.xs.flat()).toEqual(Array.from(expected.x));
    expect(got!.ys.flat()).toEqual(Array.from(expected.y));
  });

  it('line() falls back to the line fitter\'s defaults', async () => {
    let count = 0;
    await run(async (_tf, lab) => {
      count = lab.data.line().x.length;
    });
    expect(count).toBe(30);
  });

  it('digits() splits the served digits as the widgets do', async () => {
    const file = readFileSync(ASSET_PATH);
    const digits = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const mnist = decodeMnist(await gunzip(new Uint8Array(digits)));
    const split = stratifiedSplit(mnist.labels, DIGITS_SPLIT.validationCount, DIGITS_SPLIT.seed);
    let seen: Record<string, unknown> = {};
    const before = tf.memory().numTensors;
    const { last } = await run(
      async (tf, lab) => {
        const { train, validation } = await lab.data.digits({ train: 100, validation: 50 });
        seen = {
          trainXs: train.xs.shape,
          trainYs: train.ys.shape,
          validationXs: validation.xs.shape,
          validationYs: validation.ys.shape,
          trainLabels: train.labels,
          validationLabels: validation.labels,
          oneHot: Array.from(await train.ys.argMax(1).data()),
          firstPixels: Array.from(await train.xs.slice([0, 0, 0, 0], [1, 28, 28, 1]).data()),
          range: [(await train.xs.min().data())[0], (await train.xs.max().data())[0]],
        };
        void tf;
      },
      { digits },
    );
    expect(last).toMatchObject({ type: 'done', tensorsLeft: before });
    expect(seen.trainXs).toEqual([100, 28, 28, 1]);
    expect(seen.trainYs).toEqual([100, 10]);
    expect(seen.validationXs).toEqual([50, 28, 28, 1]);
    expect(seen.validationYs).toEqual([50, 10]);
    const labelsAt = (indices: Int32Array) => Array.from(indices, (i) => mnist.labels[i]);
    expect(seen.trainLabels).toEqual(labelsAt(split.train.subarray(0, 100)));
    expect(seen.validationLabels).toEqual(labelsAt(split.validation.subarray(0, 50)));
    expect(seen.oneHot).toEqual(seen.trainLabels);
    const first = split.train[0];
    expect(seen.firstPixels).toEqual(Array.from(mnist.pixels.subarray(first * 784, (first + 1) * 784), (p) => Math.fround(p / 255)));
    expect(seen.range).toEqual([0, 1]);
  });

  it('digits() fails plainly when the cell was not handed them', async () => {
    const { last } = await run(async (_tf, lab) => {
      await lab.data.digits();
    });
    expect(last).toMatchObject({ type: 'failed', error: { message: expect.stringContaining('not handed the digits') } });
  });
});
