import { tf, tfl } from './tf';

/** Current weights as plain arrays (a checkpoint that survives a lost GPU). */
export async function readWeights(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

/** Sets the weights from plain arrays; throws when they do not fit the model. */
export function writeWeights(model: tfl.LayersModel, values: Float32Array[]): void {
  const current = model.getWeights();
  if (current.length !== values.length || current.some((w, i) => w.size !== values[i].length)) {
    throw new Error('The saved weights do not match this model.');
  }
  const tensors = current.map((w, i) => tf.tensor(values[i], w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}
