import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { buildModel } from '../../src/ml/models';
import { describeModel, MNIST_PRESETS, type ModelSpec } from '../../src/ml/modelSpec';
import { useCpu } from './helpers';

beforeAll(useCpu);

describe('model specs', () => {
  for (const [name, spec] of Object.entries(MNIST_PRESETS)) {
    it(`${name} builds with output shape [batch, 10] and the parameter count describeModel predicts`, () => {
      const before = tf.memory().numTensors;
      const model = buildModel(spec, [28, 28, 1], 10);
      const summary = describeModel(spec, [28, 28, 1], 10);
      expect(summary.errors).toEqual([]);
      expect(model.outputs[0].shape).toEqual([null, 10]);
      expect(model.countParams()).toBe(summary.totalParams);
      const out = tf.tidy(() => model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor);
      expect(out.shape).toEqual([3, 10]);
      out.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('explains invalid combinations instead of building them', () => {
    const denseOnImage: ModelSpec = { layers: [{ type: 'dense', units: 10, activation: 'relu' }] };
    expect(describeModel(denseOnImage, [28, 28, 1], 10).errors[0]).toMatch(/Add a Flatten layer/);
    const convAfterFlatten: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', padding: 'valid' }] };
    expect(describeModel(convAfterFlatten, [28, 28, 1], 10).errors[0]).toMatch(/before Flatten/);
    const tooBigKernel: ModelSpec = { layers: [{ type: 'maxPool2d', poolSize: 4 }, { type: 'maxPool2d', poolSize: 4 }, { type: 'conv2d', filters: 4, kernelSize: 5, activation: 'relu', padding: 'valid' }, { type: 'flatten' }] };
    expect(describeModel(tooBigKernel, [28, 28, 1], 10).errors[0]).toMatch(/does not fit/);
    expect(() => buildModel(denseOnImage, [28, 28, 1], 10)).toThrow(/Flatten/);
    const huge: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 1024, activation: 'relu' }, { type: 'dense', units: 1024, activation: 'relu' }, { type: 'dense', units: 1024, activation: 'relu' }, { type: 'dense', units: 1024, activation: 'relu' }, { type: 'dense', units: 1024, activation: 'relu' }] };
    expect(describeModel(huge, [28, 28, 1], 10).errors.join(' ')).toMatch(/limit/);
  });

  it('shows each layer output shape', () => {
    const s = describeModel(MNIST_PRESETS.cnn, [28, 28, 1], 10);
    expect(s.layers.map((l) => l.outputShape)).toEqual([[24, 24, 8], [12, 12, 8], [8, 8, 16], [4, 4, 16], [256], [10]]);
  });
});
