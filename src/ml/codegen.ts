import type { LayerSpec, ModelSpec } from './modelSpec';
import type { Hyperparams, OptimizerName } from './hyperparams';
import type { LossKind } from './trainingTypes';
import { AUGMENTATION, canAugment } from './augment';

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
  const { spec, inputShape, outputUnits, loss, hyper } = setup;
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
  const fitOptions = (indent: string) => `batchSize,
${indent}  shuffle: true,
${indent}  callbacks: {${scheduleCallback.replace(/\n/g, `\n${indent}`)}
${indent}    onEpochEnd: (epoch, logs) => console.log(\`epoch \${epoch + 1}\`, logs),
${indent}  },`;
  const fit = augment
    ? `// Hold back the last 20 % for validation (as validationSplit would): they are never augmented.
  const split = Math.floor(xs.shape[0] * 0.8);
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
    validationSplit: 0.2,
    ${fitOptions('  ')}
  });`;

  return `// Gradient Lab: the current setup as plain TensorFlow.js.
// Run it in a page or with Node (npm install @tensorflow/tfjs).
import * as tf from '@tensorflow/tfjs';

export function buildModel() {
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
export async function train(xs, ys) {
  const model = buildModel();
  const optimizer = ${OPTIMIZER_CODE[hyper.optimizer](lr)};
  model.compile({ optimizer, loss: '${lossName}'${metrics} });
  const batchSize = ${hyper.batchSize};
  const epochs = ${epochs};${hyper.schedule === 'oneCycle' ? `
  const totalSteps = Math.ceil((xs.shape[0] * 0.8) / batchSize) * epochs;
  let step = 0;` : ''}
  ${fit}
  return model;
}
${setup.downloadedModel ? downloadedModelCode(inputShape, outputUnits, loss) : ''}`;
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
