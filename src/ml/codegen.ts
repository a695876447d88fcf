import type { LayerSpec, ModelSpec } from './modelSpec';
import type { Hyperparams, OptimizerName } from './hyperparams';
import type { LossKind, TrainingData } from './trainingTypes';
import { AUGMENTATION, canAugment } from './augment';
import { DIGITS_SPLIT } from './mnist';

export interface CodeSetup {
  spec: ModelSpec;
  inputShape: number[];
  outputUnits: number;
  loss: LossKind;
  hyper: Hyperparams;
  /** What the data is, for the comment on `loadData`. */
  dataDescription: string;
  /** Add how to load the model files the trainer downloads, in Node and in Python/Keras. */
  downloadedModel?: boolean;
}

const OPTIMIZER_CODE: Record<OptimizerName, (lr: string) => string> = {
  sgd: (lr) => `tf.train.sgd(${lr})`,
  momentum: (lr) => `tf.train.momentum(${lr}, 0.9)`,
  adam: (lr) => `tf.train.adam(${lr})`,
  rmsprop: (lr) => `tf.train.rmsprop(${lr})`,
};

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(+n.toPrecision(6));
}

function layerCode(layer: LayerSpec, first: string, regularizer: string): string {
  switch (layer.type) {
    case 'dense':
      return `tf.layers.dense({ ${first}units: ${layer.units}, activation: '${layer.activation}'${regularizer} })`;
    case 'conv2d':
      return `tf.layers.conv2d({ ${first}filters: ${layer.filters}, kernelSize: ${layer.kernelSize}, activation: '${layer.activation}', padding: '${layer.padding}'${regularizer} })`;
    case 'maxPool2d':
      return `tf.layers.maxPooling2d({ ${first}poolSize: ${layer.poolSize}, strides: ${layer.poolSize} })`;
    case 'flatten':
      return `tf.layers.flatten({ ${first.replace(/, $/, '')} })`.replace('({  })', '()');
    case 'dropout':
      return `tf.layers.dropout({ ${first}rate: ${num(layer.rate)} })`;
  }
}

/**
 * Runnable TensorFlow.js code that builds and trains the current setup: the model, optimizer,
 * loss, batch size, epochs and learning-rate schedule. `buildModel()` is self-contained so the
 * tests can run it and compare parameter counts with the trainer's model.
 */
export function generateCode(setup: CodeSetup): string {
  return `// Gradient Lab: the current setup as plain TensorFlow.js.
// Run it in a page or with Node (npm install @tensorflow/tfjs).
import * as tf from '@tensorflow/tfjs';

${trainingCode(setup, null)}${setup.downloadedModel ? downloadedModelCode(setup.inputShape, setup.outputUnits, setup.loss) : ''}`;
}

/** How a code cell's `train` holds back validation data: the share held back and the share trained on, as written. */
export interface CellSplit {
  validation: string;
  training: string;
  /** "20 %", for the comments. */
  percent: string;
}

export const DEFAULT_SPLIT: CellSplit = { validation: '0.2', training: '0.8', percent: '20 %' };

/** `buildModel`, the schedule and augmentation, and `train`; in a cell (`cell` given) with a live chart and no `export`. */
export function trainingCode(setup: CodeSetup, cell: CellSplit | null): string {
  const { spec, inputShape, outputUnits, loss, hyper } = setup;
  const split = cell ?? DEFAULT_SPLIT;
  const exported = cell ? '' : 'export ';
  const reg =
    hyper.l1 > 0 || hyper.l2 > 0
      ? `, kernelRegularizer: tf.regularizers.${hyper.l1 > 0 && hyper.l2 > 0 ? `l1l2({ l1: ${num(hyper.l1)}, l2: ${num(hyper.l2)} })` : hyper.l2 > 0 ? `l2({ l2: ${num(hyper.l2)} })` : `l1({ l1: ${num(hyper.l1)} })`}`
      : '';
  const layers: string[] = [];
  spec.layers.forEach((layer, i) => {
    const first = i === 0 ? `inputShape: [${inputShape.join(', ')}], ` : '';
    const weighted = layer.type === 'dense' || layer.type === 'conv2d';
    const withDropout = layer.type === 'dropout' && hyper.dropout > 0 ? { ...layer, rate: hyper.dropout } : layer;
    layers.push(`  model.add(${layerCode(withDropout, first, weighted ? reg : '')});`);
  });
  const headFirst = spec.layers.length === 0 ? `inputShape: [${inputShape.join(', ')}], ` : '';
  const headActivation = loss === 'softmaxCrossEntropy' ? 'softmax' : loss === 'sigmoidCrossEntropy' ? 'sigmoid' : 'linear';
  layers.push(`  model.add(tf.layers.dense({ ${headFirst}units: ${outputUnits}, activation: '${headActivation}'${reg} }));`);
  const lossName = loss === 'softmaxCrossEntropy' ? 'categoricalCrossentropy' : loss === 'sigmoidCrossEntropy' ? 'binaryCrossentropy' : 'meanSquaredError';
  const metrics = loss === 'meanSquaredError' ? '' : `, metrics: ['accuracy']`;
  const lr = num(hyper.learningRate);
  const epochs = hyper.epochs > 0 ? hyper.epochs : 10;

  let schedule = '';
  let scheduleCallback = '';
  if (hyper.schedule === 'stepDecay') {
    schedule = `
// Step decay: halve the learning rate after every epoch.
function learningRateAt(epoch) {
  return ${lr} * Math.pow(0.5, epoch);
}
`;
  } else if (hyper.schedule === 'oneCycle') {
    schedule = `
// One-cycle: warm up from lr/25 to lr over the first 30 % of the batches, then cosine down.
function learningRateAt(step, totalSteps) {
  const t = Math.min(1, step / totalSteps);
  const max = ${lr}, start = max / 25, end = max / 25e4;
  if (t < 0.3) return start + (max - start) * (0.5 - 0.5 * Math.cos((Math.PI * t) / 0.3));
  return end + (max - end) * (0.5 + 0.5 * Math.cos((Math.PI * (t - 0.3)) / 0.7));
}
`;
  }
  if (hyper.schedule !== 'constant') {
    const setLr =
      hyper.optimizer === 'sgd' || hyper.optimizer === 'momentum'
        ? 'optimizer.setLearningRate(lr)'
        : 'optimizer.learningRate = lr; // Adam and RMSProp read this field at every step';
    scheduleCallback =
      hyper.schedule === 'stepDecay'
        ? `
    onEpochBegin: (epoch) => {
      const lr = learningRateAt(epoch);
      ${setLr};
    },`
        : `
    onBatchBegin: (batch) => {
      const lr = learningRateAt(step++, totalSteps);
      ${setLr};
    },`;
  }

  const augment = hyper.augment && canAugment(inputShape);
  // In a cell the chart's callbacks come first: tfjs takes a list of callback objects.
  const fitOptions = (indent: string) => `batchSize,
${indent}  shuffle: true,
${indent}  callbacks: ${cell ? '[chart.callbacks(), {' : '{'}${scheduleCallback.replace(/\n/g, `\n${indent}`)}
${indent}    onEpochEnd: (epoch, logs) => console.log(\`epoch \${epoch + 1}\`, logs),
${indent}  }${cell ? ']' : ''},`;
  const fit = augment
    ? `// Hold back the last ${split.percent} for validation (as validationSplit would): they are never augmented.
  const split = Math.floor(xs.shape[0] * ${split.training});
  const [trainXs, valXs] = tf.split(xs, [split, xs.shape[0] - split]);
  const [trainYs, valYs] = tf.split(ys, [split, ys.shape[0] - split]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    // A fresh random shift and turn of every training image, each epoch.
    const augmented = augment(trainXs);
    await model.fit(augmented, trainYs, {
      initialEpoch: epoch,
      epochs: epoch + 1,
      validationData: [valXs, valYs],
      ${fitOptions('    ')}
    });
    augmented.dispose();
  }
  tf.dispose([trainXs, valXs, trainYs, valYs]);`
    : `await model.fit(xs, ys, {
    epochs,
    validationSplit: ${split.validation},
    ${fitOptions('  ')}
  });`;

  return `${exported}function buildModel() {
  const model = tf.sequential();
${layers.join('\n')}
  return model;
}
${schedule}${augment ? augmentCode(inputShape) : ''}
/**
 * xs: a tensor of shape [examples, ${inputShape.join(', ')}]; ys: ${
    loss === 'softmaxCrossEntropy' ? `one-hot labels [examples, ${outputUnits}]` : `targets [examples, ${outputUnits}]`
  }.
 * ${setup.dataDescription}
 */
${exported}async function train(xs, ys) {
  const model = buildModel();
  const optimizer = ${OPTIMIZER_CODE[hyper.optimizer](lr)};
  model.compile({ optimizer, loss: '${lossName}'${metrics} });${cell ? `
  const chart = lab.chart({ title: 'Training' }); // the loss (and accuracy), live, below the code` : ''}
  const batchSize = ${hyper.batchSize};
  const epochs = ${epochs};${hyper.schedule === 'oneCycle' ? `
  const totalSteps = Math.ceil((xs.shape[0] * ${split.training}) / batchSize) * epochs;
  let step = 0;` : ''}
  ${fit}
  return model;
}
`;
}

/** Where a code cell's data comes from, for `train(xs, ys)`. */
export type CellDataSource =
  /** The app's digits (`lab.data.digits`): `train` training digits (all 8,000 unless given), then the 2,000 validation digits. */
  | { kind: 'digits'; train?: number }
  /** The line widget's points from the cell's settings (`lab.data.line`). */
  | { kind: 'line' }
  /** The tensors the trainer hands over (`lab.data.tensors`): `count` examples, the last `validationCount` held out. */
  | { kind: 'tensors'; count: number; validationCount?: number };

/** The training digits the app serves (10,000 less the 2,000 validation ones). */
export const TRAINING_DIGITS = 8000;
const VALIDATION_DIGITS = DIGITS_SPLIT.validationCount;

/**
 * The share that makes tfjs's `validationSplit` (it keeps the first floor(total × (1 − share)))
 * and the augmentation's split hold back exactly the last `held` of `total` examples, written short.
 */
export function cellSplit(total: number, held: number): CellSplit {
  if (!(held > 0 && held < total)) return DEFAULT_SPLIT;
  for (const shave of [0, 0.01, 0.1, 0.25, 0.45]) {
    const validation = num((held - shave) / total);
    const training = num(1 - Number(validation));
    if (Math.floor(total * (1 - Number(validation))) === total - held && Math.floor(total * Number(training)) === total - held) {
      return { validation, training, percent: `${num(Math.round((1000 * held) / total) / 10)} %` };
    }
  }
  return DEFAULT_SPLIT;
}

/**
 * The same setup as a code cell the learner can run in the lesson: no import (`tf`, `lab` and
 * `console` are given), no `export`, the same `buildModel` and `train` with a live chart added to
 * the fit's callbacks, then the lines that load the data and train.
 */
export function generateCellCode(setup: CodeSetup, data: CellDataSource): string {
  let split = DEFAULT_SPLIT;
  let footer: string;
  if (data.kind === 'digits') {
    const train = Math.max(1, Math.min(TRAINING_DIGITS, Math.floor(data.train ?? TRAINING_DIGITS)));
    split = cellSplit(train + VALIDATION_DIGITS, VALIDATION_DIGITS);
    footer = `// The app's digits, split as the trainer splits them: ${train.toLocaleString('en')} to learn from, then the
// ${VALIDATION_DIGITS.toLocaleString('en')} validation digits last, which train's validationSplit holds back.
const { train: trainSet, validation: validationSet } = await lab.data.digits({ train: ${train} });
const xs = tf.concat([trainSet.xs, validationSet.xs]);
const ys = tf.concat([trainSet.ys, validationSet.ys]);
tf.dispose([trainSet.xs, trainSet.ys, validationSet.xs, validationSet.ys]);`;
  } else if (data.kind === 'line') {
    footer = `// The points, made from the line widget's settings (slope, intercept, noise, count, seed).
const { xs, ys } = lab.data.line();`;
  } else {
    const held = data.validationCount ?? 0;
    split = cellSplit(data.count, held);
    const heldBack = split === DEFAULT_SPLIT ? ` (train's validationSplit holds back the last ${split.percent})` : `, the last ${held} of them held out for validation (train's validationSplit)`;
    footer = `// The trainer's data as it was when you opened this cell: ${data.count} examples${heldBack}.
const { xs, ys } = lab.data.tensors();`;
  }
  return `// Gradient Lab: the trainer's setup as a code cell. Press Run to train it here, in this page.
// tf (TensorFlow.js), lab and console are ready to use: no import needed.

${trainingCode(setup, split)}
${footer}
const model = await train(xs, ys);
model.summary();
`;
}

/** Plain arrays a cell turns into tensors (`lab.data.tensors()`), as CellInputs['tensors']. */
export interface CellTensors {
  xs: { shape: number[]; values: Float32Array };
  ys: { shape: number[]; values: Float32Array };
}

/** A trainer's data as a cell's xs and ys: the training examples, then the validation ones; class indices become one-hot rows. */
export function cellTensors(data: TrainingData): CellTensors {
  const parts = data.validation ? [data.train, data.validation] : [data.train];
  const count = parts.reduce((n, part) => n + part.count, 0);
  const width = data.inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(count * width);
  const ys = new Float32Array(count * data.outputUnits);
  let at = 0;
  for (const part of parts) {
    xs.set(part.x.subarray(0, part.count * width), at * width);
    for (let i = 0; i < part.count; i++) {
      if (data.loss === 'softmaxCrossEntropy') ys[(at + i) * data.outputUnits + part.y[i]] = 1;
      else for (let j = 0; j < data.outputUnits; j++) ys[(at + i) * data.outputUnits + j] = part.y[i * data.outputUnits + j];
    }
    at += part.count;
  }
  return { xs: { shape: [count, ...data.inputShape], values: xs }, ys: { shape: [count, data.outputUnits], values: ys } };
}

/** What "Open as a cell" hands a code cell: its code, which data it reads, and how long it may run. */
export interface TrainerCell {
  code: string;
  data: 'none' | 'digits' | 'line';
  settings?: Record<string, string | number | boolean>;
  tensors?: CellTensors;
  /** Seconds: the digits need longer than the default minute. */
  timeLimit?: number;
}

/** A trainer's setup as a cell on the app's digits, the line widget's settings, or the trainer's own data. */
export function trainerCell(
  setup: CodeSetup,
  source: { kind: 'digits'; train?: number } | { kind: 'line'; settings: Record<string, number> } | { kind: 'data'; data: TrainingData },
): TrainerCell {
  if (source.kind === 'digits') return { code: generateCellCode(setup, source), data: 'digits', timeLimit: 300 };
  if (source.kind === 'line') return { code: generateCellCode(setup, source), data: 'line', settings: { ...source.settings } };
  const tensors = cellTensors(source.data);
  const code = generateCellCode(setup, { kind: 'tensors', count: tensors.xs.shape[0], validationCount: source.data.validation?.count });
  // Images (the learner's drawings) train for longer than the default minute.
  return { code, data: 'none', tensors, ...(setup.inputShape.length === 3 && { timeLimit: 300 }) };
}

/**
 * How to use the files "Saved models → Download" gives (model.json + model.weights.bin) elsewhere.
 * The Node lines are a script of their own (the code above also runs in a page, where there is no
 * file system); tests run them on real downloaded files.
 */
function downloadedModelCode(inputShape: number[], outputUnits: number, loss: LossKind): string {
  const output = loss === 'meanSquaredError' ? `its ${outputUnits} output${outputUnits === 1 ? '' : 's'}` : `the probability of each of the ${outputUnits} classes`;
  return `
// ---- The model you downloaded (Saved models → Download: model.json + model.weights.bin) ----
// In Node, as a script of its own (load-model.mjs, next to the two files):
//   import * as tf from '@tensorflow/tfjs';
//   import { readFile } from 'node:fs/promises';
//   const json = JSON.parse(await readFile('model.json', 'utf8'));
//   const bytes = await readFile('model.weights.bin');
//   const model = await tf.loadLayersModel(tf.io.fromMemory({
//     modelTopology: json.modelTopology,
//     weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
//     weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
//   }));
//   model.predict(tf.zeros([1, ${inputShape.join(', ')}])).print(); // ${output}
// With @tensorflow/tfjs-node installed, tf.loadLayersModel('file://model.json') does the same.
//
// In Python, into Keras (pip install tensorflowjs):
//   tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5
// or in a script:
//   import tensorflowjs as tfjs
//   model = tfjs.converters.load_keras_model('model.json')
`;
}

/** Data augmentation as plain TensorFlow.js: the shifts and turns of augment.ts, with tf.image.transform. */
function augmentCode(inputShape: number[]): string {
  const [h, w] = inputShape;
  const { maxShift, maxRotationDegrees } = AUGMENTATION;
  return `
// Data augmentation: shift each image by up to ${maxShift} whole pixels and turn it by up to ${maxRotationDegrees}°
// about its centre. The labels stay as they are: a moved 7 is still a 7. (In TensorFlow.js 4.22
// the plain 'cpu' backend's tf.image.transform changes only a batch's first image; wasm does all.)
function augment(images) {
  const n = images.shape[0];
  const transforms = [];
  const cx = ${(w - 1) / 2}, cy = ${(h - 1) / 2};
  for (let i = 0; i < n; i++) {
    const dx = Math.floor(Math.random() * ${2 * maxShift + 1}) - ${maxShift};
    const dy = Math.floor(Math.random() * ${2 * maxShift + 1}) - ${maxShift};
    const angle = (Math.random() * 2 - 1) * ${maxRotationDegrees} * Math.PI / 180;
    const cos = Math.cos(angle), sin = Math.sin(angle);
    // Each output pixel (x, y) reads the input at (a0·x + a1·y + a2, b0·x + b1·y + b2).
    transforms.push(cos, sin, cx - cos * (cx + dx) - sin * (cy + dy), -sin, cos, cy + sin * (cx + dx) - cos * (cy + dy), 0, 0);
  }
  return tf.tidy(() => tf.image.transform(images, tf.tensor2d(transforms, [n, 8]), 'bilinear', 'constant', 0));
}
`;
}
