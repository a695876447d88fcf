import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { buildModel } from '../../src/ml/models';
import { MNIST_PRESETS, describeModel } from '../../src/ml/modelSpec';
import { featureMaps, firstLayerFilters } from '../../src/ml/featureMaps';
import { useCpu } from './helpers';

beforeAll(useCpu);

const DATA = { inputShape: [28, 28, 1], loss: 'softmaxCrossEntropy' as const };

function strokeImage(): Float32Array {
  const x = new Float32Array(784);
  for (let r = 4; r < 24; r++) x[r * 28 + 14] = 1; // a vertical stroke, like a 1
  return x;
}

describe('featureMaps', () => {
  it("gives each conv and pooling layer of lesson 7's CNN its maps, with the right shapes", async () => {
    const model = buildModel(MNIST_PRESETS.cnn, DATA.inputShape, 10, 3);
    const maps = await featureMaps(model, DATA, strokeImage());
    expect(maps.layers.map(({ index, kind, height, width, channels }) => ({ index, kind, height, width, channels }))).toEqual([
      { index: 1, kind: 'conv2d', height: 24, width: 24, channels: 8 },
      { index: 2, kind: 'maxPool2d', height: 12, width: 12, channels: 8 },
      { index: 3, kind: 'conv2d', height: 8, width: 8, channels: 16 },
      { index: 4, kind: 'maxPool2d', height: 4, width: 4, channels: 16 },
    ]);
    const sizes = maps.layers.map((l) => l.height * l.width * l.channels);
    expect(maps.layers.map((l) => l.offset)).toEqual([0, sizes[0], sizes[0] + sizes[1], sizes[0] + sizes[1] + sizes[2]]);
    expect(maps.values.length).toBe(sizes.reduce((a, b) => a + b));
    // After ReLU nothing is negative, and the stroke makes some filter fire.
    expect(Math.min(...maps.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...maps.values)).toBeGreaterThan(0);
    model.dispose();
  });

  it('reads the same numbers as the model itself: layer 1 from its weights, the probabilities from predict', async () => {
    const model = buildModel(MNIST_PRESETS.cnn, DATA.inputShape, 10, 5);
    const x = strokeImage();
    const maps = await featureMaps(model, DATA, x);
    const [kernel, bias] = model.layers[0].getWeights();
    const expected = tf.tidy(() => tf.relu(tf.add(tf.conv2d(tf.tensor4d(x, [1, 28, 28, 1]), kernel as tf.Tensor4D, 1, 'valid'), bias)).dataSync());
    const first = maps.values.subarray(0, 24 * 24 * 8);
    first.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    const predicted = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(x, [1, 28, 28, 1])) as tf.Tensor).dataSync());
    expect(maps.probabilities.length).toBe(10);
    maps.probabilities.forEach((p, i) => expect(p).toBeCloseTo(predicted[i], 5));
    model.dispose();
  });

  it("returns the first conv layer's kernels as a copy, and null for a model without convolutions", async () => {
    const model = buildModel(MNIST_PRESETS.cnn, DATA.inputShape, 10, 3);
    const filters = await firstLayerFilters(model);
    expect(filters).toMatchObject({ size: 5, inputChannels: 1, count: 8 });
    const kernel = model.layers[0].getWeights()[0].dataSync();
    expect([...filters!.values]).toEqual([...kernel]);
    filters!.values[0] = 123; // the model's weights must not change with the copy
    expect(model.layers[0].getWeights()[0].dataSync()[0]).not.toBe(123);
    model.dispose();
    const mlp = buildModel(MNIST_PRESETS.mlp, DATA.inputShape, 10, 3);
    expect(await firstLayerFilters(mlp)).toBeNull();
    mlp.dispose();
  });

  it('leaves no tensor behind after many calls', async () => {
    const model = buildModel(MNIST_PRESETS.cnn, DATA.inputShape, 10, 3);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) {
      await featureMaps(model, DATA, strokeImage());
      await firstLayerFilters(model);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('the CNN has the 5,994 weights the lesson says', () => {
    expect(describeModel(MNIST_PRESETS.cnn, [28, 28, 1], 10).totalParams).toBe(5994);
    expect(describeModel(MNIST_PRESETS.mlp, [28, 28, 1], 10).totalParams).toBeGreaterThan(100_000);
  });
});
