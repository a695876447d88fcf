// Conv (ReLU) → max pool, and dense (ReLU), run as blocks with their own gradients (src/ml/wasm/convBlocks.ts): the same
// output and the same gradients as tfjs-layers, on the cpu backend and on wasm, without leaking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { buildModel } from '../../../src/ml/models';
import { MNIST_PRESETS, type ModelSpec } from '../../../src/ml/modelSpec';
import { hasTrainingBlocks, trainingForward } from '../../../src/ml/wasm/convBlocks';
import { useCpu, useWasm } from '../helpers';

const SPECS: Record<string, { spec: ModelSpec; input: number[] }> = {
  'the lesson CNN (valid padding)': { spec: MNIST_PRESETS.cnn, input: [28, 28, 1] },
  // 'same' padding, and a 7×7 map whose last row and column no 2×2 window covers.
  'same padding, an uneven pool, three channels': {
    spec: { layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }, { type: 'maxPool2d', poolSize: 2 }, { type: 'conv2d', filters: 5, kernelSize: 3, activation: 'relu', padding: 'valid' }, { type: 'maxPool2d', poolSize: 2 }, { type: 'flatten' }] },
    input: [9, 9, 3],
  },
  'the lesson MLP (a dense ReLU block on the data)': { spec: MNIST_PRESETS.mlp, input: [28, 28, 1] },
  // A dense block whose input needs a gradient (it comes from a conv block), then another.
  'conv → pool → dense ReLU → dense ReLU': {
    spec: { layers: [{ type: 'conv2d', filters: 3, kernelSize: 3, activation: 'relu', padding: 'valid' }, { type: 'maxPool2d', poolSize: 2 }, { type: 'flatten' }, { type: 'dense', units: 12, activation: 'relu' }, { type: 'dense', units: 7, activation: 'relu' }] },
    input: [8, 8, 1],
  },
};

/** Loss, output and every weight's gradient of one batch, through the layers or through the blocks. */
async function pass(spec: ModelSpec, input: number[], blocks: boolean): Promise<{ output: Float32Array; grads: Float32Array[] }> {
  const model = buildModel(spec, input, 10, 7);
  const x = tf.randomUniform([6, ...input], 0, 1, 'float32', 3);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 3, 9, 1, 4, 4], 'int32'), 10));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let output: tf.Tensor | null = null;
  const { grads, value } = tf.variableGrads(() => {
    const logits = blocks ? trainingForward(model, x) : (model.apply(x, { training: true }) as tf.Tensor);
    output = tf.keep(logits.clone());
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  }, variables);
  const result = { output: (await output!.data()) as Float32Array, grads: await Promise.all(variables.map(async (v) => (await grads[v.name].data()) as Float32Array)) };
  tf.dispose([x, labels, value, output!, ...Object.values(grads)]);
  model.dispose();
  return result;
}

function worst(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(v))), 0);
}

async function expectSame(spec: ModelSpec, input: number[]): Promise<void> {
  const layers = await pass(spec, input, false);
  const before = tf.memory().numTensors;
  const blocks = await pass(spec, input, true);
  expect(tf.memory().numTensors).toBe(before);
  expect(worst(layers.output, blocks.output)).toBeLessThan(1e-5);
  expect(blocks.grads).toHaveLength(layers.grads.length);
  layers.grads.forEach((g, i) => {
    expect(g.length).toBe(blocks.grads[i].length);
    expect(worst(g, blocks.grads[i]), `weight ${i}`).toBeLessThan(1e-4);
  });
  // The gradients are not all zero (a block that passed nothing back would match nothing).
  expect(Math.max(...blocks.grads[0].map(Math.abs))).toBeGreaterThan(1e-6);
}

describe('conv → pool and dense ReLU blocks', () => {
  beforeAll(useCpu);

  it('are found in the CNN and the MLP, not in a linear model', () => {
    const models = (['cnn', 'mlp', 'linear'] as const).map((name) => buildModel(MNIST_PRESETS[name], [28, 28, 1], 10));
    expect(models.map(hasTrainingBlocks)).toEqual([true, true, false]);
    for (const m of models) m.dispose();
  });

  for (const [name, { spec, input }] of Object.entries(SPECS)) {
    it(`give tfjs-layers' output and gradients on the cpu backend: ${name}`, () => expectSame(spec, input));
  }

  describe('on wasm', () => {
    beforeAll(useWasm);
    afterAll(useCpu);

    for (const [name, { spec, input }] of Object.entries(SPECS)) {
      it(`give the layers' output and gradients: ${name}`, () => expectSame(spec, input));
    }
  });
});
