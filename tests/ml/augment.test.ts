import { beforeAll, describe, expect, it } from 'vitest';
import * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../src/ml/tf';
import { AUGMENTATION, augmentBatch, canAugment, randomTransform, stepSeed, transformImage } from '../../src/ml/augment';
import { gatherBatch } from '../../src/ml/examples';
import { createRng } from '../../src/ml/random';
import { generateCode } from '../../src/ml/codegen';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { TrainingSession } from '../../src/ml/TrainingSession';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { gatherDigits, stratifiedSplit } from '../../src/ml/mnist';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { loadAssetFromDisk, useCpu } from './helpers';

beforeAll(useCpu);

const SHAPE = [28, 28, 1];

async function digits(count: number, validation = 0): Promise<TrainingData> {
  const data = await loadAssetFromDisk();
  const split = stratifiedSplit(data.labels, 2000, 1234);
  const train = gatherDigits(data, split.train.subarray(0, count));
  const val = gatherDigits(data, split.validation.subarray(0, Math.max(1, validation)));
  return {
    inputShape: SHAPE,
    outputUnits: 10,
    loss: 'softmaxCrossEntropy',
    train: { ...train, count },
    ...(validation > 0 && { validation: { ...val, count: validation } }),
  };
}

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('transformImage', () => {
  it('leaves an image as it is under the identity', () => {
    const src = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const dst = new Float32Array(12);
    transformImage(src, dst, [3, 4, 1], { dx: 0, dy: 0, angle: 0 });
    for (let i = 0; i < 12; i++) expect(dst[i]).toBeCloseTo(src[i], 6);
  });

  it('shifts by whole pixels, filling the uncovered edge with 0 (worked by hand on a 3×3 image)', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dst = new Float32Array(9);
    transformImage(src, dst, [3, 3, 1], { dx: 1, dy: 0, angle: 0 });
    expect(Array.from(dst)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    transformImage(src, dst, [3, 3, 1], { dx: 0, dy: -1, angle: 0 });
    expect(Array.from(dst)).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
  });

  it('turns a quarter turn about the centre (worked by hand on a 3×3 image)', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dst = new Float32Array(9);
    transformImage(src, dst, [3, 3, 1], { dx: 0, dy: 0, angle: Math.PI / 2 });
    // Each output pixel (column x, row y) reads input column y, row 2 − x: the top row becomes
    // 7 4 1, a quarter turn clockwise on screen (rows count downwards).
    expect(Array.from(dst).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
  });
});

describe('augmentBatch', () => {
  it('keeps the shape, leaves its input alone and stays within the pixel range', async () => {
    const data = await digits(32);
    const input = data.train.x.slice();
    const out = augmentBatch(data.train.x, 32, SHAPE, 7);
    expect(out.length).toBe(data.train.x.length);
    expect(data.train.x).toEqual(input);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
    // Each digit is moved, not blanked: most of its ink is still there (a 2-pixel shift of a centred digit loses none).
    for (let k = 0; k < 32; k++) {
      const before = sum(input.subarray(k * 784, (k + 1) * 784));
      const after = sum(out.subarray(k * 784, (k + 1) * 784));
      expect(after / before).toBeGreaterThan(0.85);
      expect(after / before).toBeLessThan(1.15);
    }
  });

  it('gives the same images for the same seed and others for another seed', async () => {
    const data = await digits(16);
    const a = augmentBatch(data.train.x, 16, SHAPE, 3);
    const b = augmentBatch(data.train.x, 16, SHAPE, 3);
    const c = augmentBatch(data.train.x, 16, SHAPE, 4);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a).not.toEqual(data.train.x);
  });

  it('draws shifts and angles within the stated range, and uses all of it', () => {
    const random = createRng(1);
    const seen = { dx: new Set<number>(), maxAngle: 0 };
    for (let i = 0; i < 2000; i++) {
      const t = randomTransform(random);
      expect(Number.isInteger(t.dx) && Number.isInteger(t.dy)).toBe(true);
      expect(Math.abs(t.dx)).toBeLessThanOrEqual(AUGMENTATION.maxShift);
      expect(Math.abs(t.dy)).toBeLessThanOrEqual(AUGMENTATION.maxShift);
      expect(Math.abs(t.angle)).toBeLessThanOrEqual((AUGMENTATION.maxRotationDegrees * Math.PI) / 180);
      seen.dx.add(t.dx);
      seen.maxAngle = Math.max(seen.maxAngle, Math.abs(t.angle));
    }
    expect(seen.dx.size).toBe(2 * AUGMENTATION.maxShift + 1);
    expect(seen.maxAngle).toBeGreaterThan(0.9 * ((AUGMENTATION.maxRotationDegrees * Math.PI) / 180));
  });

  it('refuses inputs that are not images, saying why', () => {
    expect(canAugment([2])).toBe(false);
    expect(() => augmentBatch(new Float32Array(4), 2, [2], 1)).toThrow(/Only images/);
    expect(() => augmentBatch(new Float32Array(10), 2, SHAPE, 1)).toThrow(/Expected 2 images/);
  });
});

describe('gatherBatch with augmentation', () => {
  it('keeps every label and moves the images', async () => {
    const data = await digits(64);
    const indices = Int32Array.from([5, 0, 63, 17, 17, 2]);
    const plain = gatherBatch(data, data.train, indices);
    const augmented = gatherBatch(data, data.train, indices, 99);
    expect(Array.from(augmented.ys)).toEqual(Array.from(plain.ys));
    expect(Array.from(augmented.ys)).toEqual(Array.from(indices, (i) => data.train.y[i]));
    expect(augmented.xs.length).toBe(plain.xs.length);
    expect(augmented.xs).not.toEqual(plain.xs);
    expect(gatherBatch(data, data.train, indices, 99).xs).toEqual(augmented.xs);
  });

  it('leaves inputs that are not images as they are', () => {
    const data: TrainingData = { inputShape: [2], outputUnits: 2, loss: 'softmaxCrossEntropy', train: { x: Float32Array.from([1, 2, 3, 4]), y: Int32Array.from([0, 1]), count: 2 } };
    expect(Array.from(gatherBatch(data, data.train, [1, 0], 5).xs)).toEqual([3, 4, 1, 2]);
  });

  it('gives each step its own seed', () => {
    expect(stepSeed(42, 1)).not.toBe(stepSeed(42, 2));
    expect(stepSeed(42, 1)).not.toBe(stepSeed(43, 1));
    expect(stepSeed(42, 1)).toBe(stepSeed(42, 1));
  });
});

describe('a training session with augmentation', () => {
  const hyper = { ...defaults(TRAINING_SCHEMA), epochs: 2, batchSize: 16, learningRate: 0.003 };

  async function trained(augment: boolean, seed = 5): Promise<{ weights: Float32Array[]; session: TrainingSession; evaluations: number }> {
    let evaluations = 0;
    const session = new TrainingSession({
      spec: MNIST_PRESETS.mlp,
      data: await digits(64, 32),
      hyper: { ...hyper, augment },
      seed,
      evaluateTrainingSet: 20,
      evaluationsPerEpoch: 1,
      callbacks: {
        onEvaluate: (e) => {
          evaluations++;
          expect(e.trainAccuracy).toBeGreaterThanOrEqual(0);
          // Measured on the 20-digit sample: a multiple of 1/20.
          expect(Math.round(e.trainAccuracy! * 20)).toBeCloseTo(e.trainAccuracy! * 20, 6);
        },
      },
    });
    await session.train();
    return { weights: await session.readWeights(), session, evaluations };
  }

  it('trains on shifted images, the same ones for the same seed, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const plain = await trained(false);
    const a = await trained(true);
    const b = await trained(true);
    expect(a.session.state).toBe('done');
    expect(a.session.step).toBe(2 * 4);
    expect(a.evaluations).toBe(2);
    // Augmentation changes what is learnt; the seed fixes how.
    expect(a.weights[0]).not.toEqual(plain.weights[0]);
    expect(b.weights[0]).toEqual(a.weights[0]);
    for (const run of [plain, a, b]) await run.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('can be switched on while training, between steps', async () => {
    const before = tf.memory().numTensors;
    const session = new TrainingSession({ spec: MNIST_PRESETS.linear, data: await digits(64), hyper: { ...hyper, epochs: 1 }, seed: 5 });
    await session.trainOneStep();
    expect(session.setHyperparams({ augment: true })).toEqual([]);
    expect(session.hyperparams.augment).toBe(true);
    expect(session.setHyperparams({ augment: 'maybe' })).toEqual(['Data augmentation must be on or off.']);
    await session.train();
    expect(session.state).toBe('done');
    await session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('"Show me the code" with augmentation', () => {
  it('shows a tf.image.transform augmentation that makes the same images as the training loop', async () => {
    const hyper = { ...defaults(TRAINING_SCHEMA), augment: true };
    const code = generateCode({ spec: MNIST_PRESETS.linear, inputShape: SHAPE, outputUnits: 10, loss: 'softmaxCrossEntropy', hyper, dataDescription: 'digits' });
    expect(code).toContain(`up to ${AUGMENTATION.maxShift} whole pixels`);
    expect(generateCode({ spec: MNIST_PRESETS.linear, inputShape: SHAPE, outputUnits: 10, loss: 'softmaxCrossEntropy', hyper: { ...hyper, augment: false }, dataDescription: 'd' })).not.toContain('augment');
    const body = code.replace(/^import .*$/m, '').replace(/^export /gm, '');
    const module = new Function('tf', `${body}\nreturn { augment };`)(tfjs) as { augment: (images: tfjs.Tensor) => tfjs.Tensor };
    const data = await digits(6);
    // The shown code draws from Math.random; give it the training loop's random numbers. One
    // image at a time: tfjs 4.22's cpu backend transforms only the first image of a batch (the
    // shown code warns about it), and each call draws the next image's numbers in turn.
    const random = Math.random;
    Math.random = createRng(11);
    const shown = new Float32Array(6 * 784);
    try {
      for (let k = 0; k < 6; k++) {
        const image = tfjs.tensor4d(data.train.x.subarray(k * 784, (k + 1) * 784), [1, 28, 28, 1]);
        const out = module.augment(image);
        shown.set((await out.data()) as Float32Array, k * 784);
        tfjs.dispose([image, out]);
      }
    } finally {
      Math.random = random;
    }
    const trained = augmentBatch(data.train.x, 6, SHAPE, 11);
    let worst = 0;
    for (let i = 0; i < trained.length; i++) worst = Math.max(worst, Math.abs(trained[i] - shown[i]));
    expect(worst).toBeLessThan(1e-4);
  });
});
