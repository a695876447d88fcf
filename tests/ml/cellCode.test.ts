// "Open as a cell": the trainers' code as a code cell really runs as a cell's body (tf, lab and
// console given; no import, no export), trains, draws its chart, and holds back the trainer's split.
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { cellSplit, cellTensors, generateCellCode, generateCode, trainerCell, type CellDataSource, type CellTensors, type CodeSetup } from '../../src/ml/codegen';
import { MNIST_PRESETS, type ModelSpec } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';
import { CURVE_FITTER, curveFitterSettings } from '../../src/ml/curveFitting';
import { CLASSIFIER_PLAYGROUND, playgroundSettings } from '../../src/ml/classifierPlayground';
import { overfittingLab } from '../../src/ml/overfitting';
import { kernelCell } from '../../src/ml/kernelCell';
import { convolve } from '../../src/ml/convolution';

const tf = { ...tfc, ...tfl };
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await tfc.ready();
});

const hyper = (o: Partial<Hyperparams> = {}): Hyperparams => ({ ...defaults(TRAINING_SCHEMA), epochs: 1, batchSize: 16, ...o });
const digitSetup = (spec: ModelSpec, o: Partial<Hyperparams> = {}): CodeSetup => ({ spec, inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', hyper: hyper(o), dataDescription: 'digits' });

/** A stand-in for the sandbox's `lab`: tiny random digits, handed tensors, and a chart that records its points. */
function fakeLab(tensors?: CellTensors) {
  const points: Record<string, number | undefined>[] = [];
  const asked: unknown[] = [];
  const digits = (n: number) => ({
    xs: tfc.randomUniform([n, 28, 28, 1]),
    ys: tfc.oneHot(tfc.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32'), 10).toFloat(),
    labels: Array.from({ length: n }, (_, i) => i % 10),
  });
  const lab = {
    data: {
      digits: async (options: unknown) => (asked.push(options), { train: digits(48), validation: digits(16) }),
      line: () => ({ xs: tfc.tensor2d([0, 1, 2, 3, 4], [5, 1]), ys: tfc.tensor2d([1, 3, 5, 7, 9], [5, 1]) }),
      tensors: () => ({ xs: tfc.tensor(tensors!.xs.values, tensors!.xs.shape), ys: tfc.tensor(tensors!.ys.values, tensors!.ys.shape) }),
    },
    chart: (options: { title?: string }) => {
      expect(options.title).toBe('Training');
      let step = 0;
      return {
        add: (point: Record<string, number | undefined>) => points.push(point),
        callbacks: () => ({
          onBatchEnd: (_: number, logs?: Record<string, number>) => void points.push({ step: ++step, loss: logs?.loss }),
          onEpochEnd: (_: number, logs?: Record<string, number>) => void points.push({ step, valLoss: logs?.val_loss }),
        }),
      };
    },
  };
  return { lab, points, asked };
}

/**
 * Runs cell code as the sandbox does: the body of an async function of tf, lab and console, its
 * tensors freed after (one engine scope, then the variables). `kept`: tensors tfjs keeps outside
 * any scope (tf.train.sgd and momentum keep their −lr scalar), which the sandbox frees with its worker.
 */
async function runCell(code: string, lab: unknown, kept = 0): Promise<string[]> {
  const printed: string[] = [];
  const cellConsole = { log: (...args: unknown[]) => printed.push(args.map(String).join(' ')) };
  const before = tfc.memory().numTensors;
  const log = console.log;
  console.log = cellConsole.log; // model.summary() prints with the global console, which the sandbox points at the cell's
  tfc.engine().startScope();
  try {
    await new AsyncFunction('tf', 'lab', 'console', code)(tf, lab, cellConsole);
  } finally {
    console.log = log;
    tfc.engine().endScope();
    tfc.disposeVariables();
  }
  expect(tfc.memory().numTensors).toBe(before + kept);
  return printed;
}

function expectCellShape(code: string): void {
  expect(code).not.toMatch(/^\s*import\b/m);
  expect(code).not.toMatch(/^\s*export\b/m);
  expect(code).not.toContain('model you downloaded');
  expect(code).toContain("const chart = lab.chart({ title: 'Training' });");
  expect(code).toContain('callbacks: [chart.callbacks(), {');
}

describe('generateCellCode', () => {
  const cases: [string, CodeSetup][] = [
    ['a dense MLP, constant rate', digitSetup(MNIST_PRESETS.mlp, { optimizer: 'sgd' })],
    ['a CNN with one-cycle', digitSetup(MNIST_PRESETS.cnn, { schedule: 'oneCycle', optimizer: 'adam' })],
    ['an MLP with step decay and L2', digitSetup({ layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'tanh' }, { type: 'dropout', rate: 0.2 }] }, { schedule: 'stepDecay', optimizer: 'momentum', l2: 0.001 })],
    ['augmentation on, step decay', digitSetup(MNIST_PRESETS.linear, { augment: true, schedule: 'stepDecay', optimizer: 'adam' })],
    ['augmentation on, one-cycle', digitSetup(MNIST_PRESETS.linear, { augment: true, schedule: 'oneCycle', optimizer: 'rmsprop', epochs: 2 })],
  ];
  for (const [name, setup] of cases) {
    it(`runs on the digits as a cell's body, trains and draws its chart (${name})`, async () => {
      const code = generateCellCode(setup, { kind: 'digits' });
      expectCellShape(code);
      // The same model and training as "Show me the code".
      const shown = generateCode(setup);
      expect(code).toContain(shown.slice(shown.indexOf('const model = tf.sequential();'), shown.indexOf('  return model;\n}')));
      const { lab, points, asked } = fakeLab();
      const printed = await runCell(code, lab, ['sgd', 'momentum'].includes(setup.hyper.optimizer) ? 1 : 0);
      expect(asked).toEqual([{ train: 8000 }]);
      const batches = points.filter((p) => p.loss !== undefined);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.every((p) => Number.isFinite(p.loss))).toBe(true);
      expect(points.filter((p) => Number.isFinite(p.valLoss))).toHaveLength(setup.hyper.epochs);
      expect(printed.filter((line) => line.startsWith('epoch '))).toHaveLength(setup.hyper.epochs);
      expect(printed.join('\n')).toContain('Total params');
    });
  }

  it('trains on the line widget’s points', async () => {
    const setup: CodeSetup = { spec: { layers: [] }, inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', hyper: hyper({ batchSize: 5 }), dataDescription: 'points' };
    const code = generateCellCode(setup, { kind: 'line' });
    expectCellShape(code);
    expect(code).toContain('lab.data.line()');
    const { lab, points } = fakeLab();
    await runCell(code, lab);
    expect(points.some((p) => Number.isFinite(p.loss))).toBe(true);
  });

  it('asks for the trainer’s digit count and holds back exactly the 2,000 validation digits', () => {
    const code = generateCellCode(digitSetup(MNIST_PRESETS.linear), { kind: 'digits', train: 200 });
    expect(code).toContain('lab.data.digits({ train: 200 })');
    const split = Number(/validationSplit: ([\d.]+)/.exec(code)![1]);
    expect(Math.floor(2200 * (1 - split))).toBe(200);
    expect(generateCellCode(digitSetup(MNIST_PRESETS.linear), { kind: 'digits' })).toContain('validationSplit: 0.2,');
  });

  it('writes splits that keep exactly the trainer’s validation examples last', () => {
    for (let total = 2; total <= 600; total += 7) {
      for (const held of [1, Math.floor(total / 5), Math.floor(total / 2), total - 1]) {
        if (held < 1 || held >= total) continue;
        const split = cellSplit(total, held);
        expect(Math.floor(total * (1 - Number(split.validation))), `${held} of ${total}`).toBe(total - held);
        expect(Math.floor(total * Number(split.training)), `${held} of ${total}`).toBe(total - held);
      }
    }
  });
});

describe('the toy trainers as cells', () => {
  const run = async (cell: ReturnType<typeof trainerCell>, source: Extract<CellDataSource, { kind: 'tensors' }>) => {
    expect(cell.data).toBe('none');
    expectCellShape(cell.code);
    expect(cell.code).toContain('lab.data.tensors()');
    expect(cell.tensors!.xs.shape[0]).toBe(source.count);
    const { lab, points } = fakeLab(cell.tensors);
    await runCell(cell.code, lab);
    expect(points.some((p) => Number.isFinite(p.loss))).toBe(true);
    expect(points.some((p) => Number.isFinite(p.valLoss))).toBe(true);
  };

  it('the curve fitter hands over its points, its validation points last', async () => {
    const { settings } = curveFitterSettings({ epochs: 1 });
    const task = CURVE_FITTER.task(settings, null);
    const cell = CURVE_FITTER.cell!({ ...settings }, task);
    const count = task.data.train.count + task.data.validation!.count;
    expect(cell.tensors!.ys.values.slice(task.data.train.count)).toEqual(Float32Array.from(task.data.validation!.y));
    expect(cell.code).toContain(`the last ${task.data.validation!.count} of them held out`);
    await run(cell, { kind: 'tensors', count });
  });

  it('the classifier playground hands over its features and 0/1 classes', async () => {
    const { settings } = playgroundSettings({});
    const task = CLASSIFIER_PLAYGROUND.task(settings, null);
    const cell = CLASSIFIER_PLAYGROUND.cell!(settings, task);
    expect(cell.tensors!.xs.shape).toEqual([task.data.train.count + task.data.validation!.count, task.features.length]);
    expect(cell.tensors!.ys.shape).toEqual([cell.tensors!.xs.shape[0], 1]);
    await run(cell, { kind: 'tensors', count: cell.tensors!.xs.shape[0] });
  });

  it('the overfitting lab reads its number of training digits', () => {
    const lab = overfittingLab('digits.bin');
    const settings = { ...defaults(lab.schema), trainCount: 500 };
    const cell = lab.cell!(settings, lab.task(settings, null));
    expect(cell).toMatchObject({ data: 'digits', timeLimit: 300 });
    expect(cell.code).toContain('lab.data.digits({ train: 500 })');
  });

  it('class indices become one-hot rows', () => {
    const tensors = cellTensors({
      inputShape: [2],
      outputUnits: 3,
      loss: 'softmaxCrossEntropy',
      train: { x: Float32Array.from([1, 2, 3, 4]), y: Int32Array.from([2, 0]), count: 2 },
      validation: { x: Float32Array.from([5, 6]), y: Int32Array.from([1]), count: 1 },
    });
    expect(tensors.xs).toEqual({ shape: [3, 2], values: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(tensors.ys).toEqual({ shape: [3, 3], values: Float32Array.from([0, 0, 1, 1, 0, 0, 0, 1, 0]) });
  });
});

describe('the kernel explorer as a cell', () => {
  it('slides the kernel over the digits with tf.conv2d, as the page’s convolve does, and shows the maps', async () => {
    const kernel = [1, 0, -1, 2, 0, -2, 1, 0, -1];
    const cell = kernelCell(kernel);
    expect(cell.data).toBe('digits');
    expect(cell.code).not.toMatch(/^\s*(import|export)\b/m);
    const { lab } = fakeLab();
    const shown: { title?: string; values: Float32Array; shape: number[] }[] = [];
    let firstDigit: Float32Array | null = null;
    const withImages = {
      ...lab,
      data: { ...lab.data, digits: async () => {
        const digits = await lab.data.digits({});
        firstDigit = digits.validation.xs.slice([0, 0, 0, 0], [1, 28, 28, 1]).dataSync() as Float32Array;
        return digits;
      } },
      images: async (tensor: tfc.Tensor, options: { title?: string }) => void shown.push({ title: options.title, values: (await tensor.data()) as Float32Array, shape: tensor.shape }),
    };
    const printed = await runCell(cell.code, withImages);
    expect(shown.map((s) => s.title)).toEqual(['The digits', 'What the kernel answers (scaled to 0–1)']);
    expect(shown[1].shape).toEqual([16, 26, 26, 1]);
    const [low, high] = /outputs from (-?[\d.]+) to (-?[\d.]+)/.exec(printed.join('\n'))!.slice(1).map(Number);
    const page = convolve(firstDigit!, 28, 28, kernel, 'valid').values;
    for (let i = 0; i < page.length; i += 37) expect(shown[1].values[i] * (high - low) + low).toBeCloseTo(page[i], 1);
  });
});
