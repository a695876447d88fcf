// Lesson 6's baseline, before any neural network (fast.ai's book, chapter 4): average the
// training images of each digit into one "ideal" 7, 3, …, then label a new image with the class
// whose average it is closest to, pixel by pixel. Plain loops over bytes, no TensorFlow.js: the
// lesson shows this file as the baseline's code.

/** Images as bytes (0–255, ink high), `rows × cols` each, with a label per image. */
export interface LabelledImages {
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
  cols: number;
}

/** How far apart two images are: the mean absolute difference (L1) or root mean squared difference (L2). */
export type PixelDistance = 'meanAbsolute' | 'rootMeanSquare';
export const PIXEL_DISTANCES: readonly PixelDistance[] = ['meanAbsolute', 'rootMeanSquare'];

export interface ClassAverages {
  /** `classes` images of rows × cols values in 0–1, class by class. */
  averages: Float32Array;
  /** How many training images went into each average (0: that class is never predicted). */
  counts: Int32Array;
  classes: number;
  size: number;
}

/** The mean image of each class over the images `indices` (pixel values scaled to 0–1). */
export function averageDigits(images: LabelledImages, indices: ArrayLike<number>, classes = 10): ClassAverages {
  const size = images.rows * images.cols;
  const sums = new Float64Array(classes * size);
  const counts = new Int32Array(classes);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const label = images.labels[i];
    if (label >= classes) throw new RangeError(`Image ${i} has label ${label}, but there are only ${classes} classes.`);
    counts[label]++;
    const base = label * size;
    for (let p = 0; p < size; p++) sums[base + p] += images.pixels[i * size + p];
  }
  const averages = new Float32Array(classes * size);
  for (let c = 0; c < classes; c++) {
    if (counts[c] === 0) continue;
    for (let p = 0; p < size; p++) averages[c * size + p] = sums[c * size + p] / counts[c] / 255;
  }
  return { averages, counts, classes, size };
}

/** The distance between image `i` of `images` and the average of class `c`. */
export function distanceToAverage(images: LabelledImages, i: number, model: ClassAverages, c: number, distance: PixelDistance): number {
  const { size, averages } = model;
  let total = 0;
  for (let p = 0; p < size; p++) {
    const d = images.pixels[i * size + p] / 255 - averages[c * size + p];
    total += distance === 'meanAbsolute' ? Math.abs(d) : d * d;
  }
  return distance === 'meanAbsolute' ? total / size : Math.sqrt(total / size);
}

/** The class whose average image is nearest to image `i` (classes with no average are skipped). */
export function nearestAverage(images: LabelledImages, i: number, model: ClassAverages, distance: PixelDistance): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let c = 0; c < model.classes; c++) {
    if (model.counts[c] === 0) continue;
    const d = distanceToAverage(images, i, model, c, distance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** The share of the images `indices` whose nearest average is their own class. */
export function nearestAverageAccuracy(images: LabelledImages, indices: ArrayLike<number>, model: ClassAverages, distance: PixelDistance): number {
  if (indices.length === 0) throw new RangeError('There are no images to classify.');
  let correct = 0;
  for (let k = 0; k < indices.length; k++) {
    if (nearestAverage(images, indices[k], model, distance) === images.labels[indices[k]]) correct++;
  }
  return correct / indices.length;
}
