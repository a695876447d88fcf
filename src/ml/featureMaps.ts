// Looking inside a convolutional network: what each conv and pooling layer outputs for one image
// (its feature maps), and the first conv layer's learned filters. The types are plain data, so
// the page can import them without loading TensorFlow.js (import type only).
import { tf, tfl } from './tf';
import { outputToPrediction } from './losses';
import type { TrainingData } from './trainingTypes';

export type MapLayerKind = 'conv2d' | 'maxPool2d';

/** Where one layer's maps sit in `FeatureMaps.values`. */
export interface MapLayer {
  /** 1-based position of the layer in the model. */
  index: number;
  kind: MapLayerKind;
  height: number;
  width: number;
  /** How many maps (filters) the layer has. */
  channels: number;
  /** Where the layer's height × width × channels values start (channels last, as tfjs stores them). */
  offset: number;
}

export interface FeatureMaps {
  layers: MapLayer[];
  /** Every layer's values, one after another. */
  values: Float32Array;
  /** The model's output for the same image: class probabilities. */
  probabilities: Float32Array;
}

/** The first conv layer's kernels. */
export interface Filters {
  size: number;
  inputChannels: number;
  count: number;
  /** size × size × inputChannels × count values, in tfjs's kernel layout (the filter index last). */
  values: Float32Array;
}

const MAP_KINDS = new Map<string, MapLayerKind>([
  ['Conv2D', 'conv2d'],
  ['MaxPooling2D', 'maxPool2d'],
]);

/**
 * Runs one image (`x`, one example's worth of values) through the model layer by layer and keeps
 * each conv and pooling layer's output (after its activation), all read back in one transfer.
 */
export async function featureMaps(model: tfl.LayersModel, data: Pick<TrainingData, 'inputShape' | 'loss'>, x: Float32Array): Promise<FeatureMaps> {
  const layers: MapLayer[] = [];
  const [all, probabilities] = tf.tidy(() => {
    let h: tf.Tensor = tf.tensor(x, [1, ...data.inputShape]);
    const kept: tf.Tensor[] = [];
    let offset = 0;
    model.layers.forEach((layer, i) => {
      h = layer.apply(h) as tf.Tensor;
      const kind = MAP_KINDS.get(layer.getClassName());
      if (!kind || h.rank !== 4) return;
      const [, height, width, channels] = h.shape as number[];
      layers.push({ index: i + 1, kind, height, width, channels, offset });
      offset += h.size;
      kept.push(tf.reshape(h, [-1]));
    });
    const values = kept.length > 0 ? tf.concat(kept) : tf.zeros([0]);
    return [values, tf.reshape(outputToPrediction(data.loss, h), [-1])];
  });
  try {
    const [values, probs] = await Promise.all([all.data(), probabilities.data()]);
    return { layers, values: values as Float32Array, probabilities: probs as Float32Array };
  } finally {
    all.dispose();
    probabilities.dispose();
  }
}

/** The first conv layer's kernels (null when the model has none). */
export async function firstLayerFilters(model: tfl.LayersModel): Promise<Filters | null> {
  const conv = model.layers.find((layer) => layer.getClassName() === 'Conv2D');
  if (!conv) return null;
  // The variable itself (read, not copied): nothing to dispose.
  const kernel = conv.getWeights()[0];
  const [size, , inputChannels, count] = kernel.shape;
  // A copy: on the cpu backend data() hands out the variable's own storage, and a worker transfers the reply.
  return { size, inputChannels, count, values: Float32Array.from(await kernel.data()) };
}
