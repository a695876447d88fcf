// The strip of augmented digits a lesson shows: a few training images, each beside versions of
// itself shifted and turned exactly as the training loop does it (augment.ts).
import { augmentBatch, canAugment } from '../ml/augment';
import { exampleSize } from '../ml/examples';
import { checkAll, type Schema } from '../ml/schema';
import type { TrainingData } from '../ml/trainingTypes';
import { WorkerError, type Calls } from './protocol';

/** How many digits and versions a request may ask for (checked, clamped). */
export const AUGMENTED_SAMPLES_SCHEMA = {
  count: { kind: 'number', label: 'Digits', min: 1, max: 16, default: 4, integer: true },
  variants: { kind: 'number', label: 'Versions of each digit', min: 1, max: 16, default: 8, integer: true },
  seed: { kind: 'number', label: 'Seed', min: 0, max: 2 ** 32 - 1, default: 1, integer: true },
} satisfies Schema;

type Request = Calls['augmentedSamples']['request'];
type Reply = Calls['augmentedSamples']['reply'];

/**
 * The first `count` training images, each followed by `variants − 1` augmented versions, as bytes
 * (0–255, ink high): image `d · variants + v` is version `v` of digit `d`, version 0 the original.
 */
export function augmentedSamples(data: TrainingData, request: Partial<Request>): Reply {
  if (!canAugment(data.inputShape) || data.inputShape[2] !== 1) throw new WorkerError('Only greyscale images can be shown augmented; this data is not one.', 'badRequest');
  const checked = checkAll(AUGMENTED_SAMPLES_SCHEMA, { ...request });
  const count = Math.min(checked.values.count, data.train.count);
  const { variants, seed } = checked.values;
  const size = exampleSize(data.inputShape);
  const originals = data.train.x.subarray(0, count * size);
  // One batch holding every digit (variants − 1) times, augmented in one go.
  const copies = new Float32Array((variants - 1) * count * size);
  for (let v = 0; v < variants - 1; v++) copies.set(originals, v * count * size);
  const augmented = augmentBatch(copies, (variants - 1) * count, data.inputShape, seed);
  const pixels = new Uint8Array(count * variants * size);
  const labels = new Uint8Array(count);
  for (let d = 0; d < count; d++) {
    labels[d] = data.train.y[d];
    for (let v = 0; v < variants; v++) {
      const from = v === 0 ? originals.subarray(d * size, (d + 1) * size) : augmented.subarray(((v - 1) * count + d) * size, ((v - 1) * count + d + 1) * size);
      const to = (d * variants + v) * size;
      for (let p = 0; p < size; p++) pixels[to + p] = Math.round(Math.min(1, Math.max(0, from[p])) * 255);
    }
  }
  return { pixels, labels, count, variants };
}
