// Data augmentation for images: every time a digit is trained on, it is moved by a pixel or two
// and turned a few degrees, so the model cannot memorise exact pixels. Pure and seeded: the same
// seed gives the same images everywhere (worker, page, Node tests). Labels are never touched.
import { createRng } from './random';

/** How far a digit may move and turn. MNIST digits are centred, so a shift of 2 px keeps them in the frame. */
export const AUGMENTATION = { maxShift: 2, maxRotationDegrees: 12 } as const;

export interface AugmentationRange {
  /** Largest shift in whole pixels, each axis. */
  maxShift: number;
  maxRotationDegrees: number;
}

/** One image's transform: a rotation about the centre, then a shift. */
export interface ImageTransform {
  dx: number;
  dy: number;
  /** Radians; positive turns clockwise as the image is drawn (rows count downwards). */
  angle: number;
}

/** Only images (height × width × channels) can be shifted and turned. */
export function canAugment(inputShape: readonly number[]): boolean {
  return inputShape.length === 3 && inputShape[0] > 1 && inputShape[1] > 1;
}

/** A random transform within `range`: whole-pixel shifts, and an angle drawn uniformly. */
export function randomTransform(random: () => number, range: AugmentationRange = AUGMENTATION): ImageTransform {
  const shift = () => Math.floor(random() * (2 * range.maxShift + 1)) - range.maxShift;
  const dx = shift();
  const dy = shift();
  const angle = (random() * 2 - 1) * ((range.maxRotationDegrees * Math.PI) / 180);
  return { dx, dy, angle };
}

/**
 * Writes `src` (one h × w × c image, row-major) turned and shifted by `t` into `dst`. Each output
 * pixel reads the input at the inverse transform with bilinear interpolation; what falls outside
 * the input is 0 (no ink). So outputs stay within the inputs' range (and 0).
 */
export function transformImage(src: Float32Array, dst: Float32Array, shape: readonly number[], t: ImageTransform): void {
  const [h, w, c] = shape;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  const at = (y: number, x: number, ch: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * c + ch] : 0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Undo the shift, then the rotation, to find where this pixel comes from.
      const u = x - t.dx - cx;
      const v = y - t.dy - cy;
      const sx = cos * u + sin * v + cx;
      const sy = -sin * u + cos * v + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < c; ch++) {
        const top = at(y0, x0, ch) * (1 - fx) + at(y0, x0 + 1, ch) * fx;
        const bottom = at(y0 + 1, x0, ch) * (1 - fx) + at(y0 + 1, x0 + 1, ch) * fx;
        dst[(y * w + x) * c + ch] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

/**
 * A new batch of `count` images, each turned and shifted at random (seeded). The input is left
 * as it was; the labels that go with it stay valid, since a moved 7 is still a 7.
 */
export function augmentBatch(xs: Float32Array, count: number, inputShape: readonly number[], seed: number, range: AugmentationRange = AUGMENTATION): Float32Array {
  if (!canAugment(inputShape)) throw new RangeError(`Only images can be augmented; these inputs have the shape [${inputShape.join(', ')}].`);
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  if (xs.length !== count * size) throw new RangeError(`Expected ${count} images of ${size} values, got ${xs.length} values.`);
  const random = createRng(seed);
  const out = new Float32Array(xs.length);
  for (let k = 0; k < count; k++) {
    transformImage(xs.subarray(k * size, (k + 1) * size), out.subarray(k * size, (k + 1) * size), inputShape, randomTransform(random, range));
  }
  return out;
}

/** The seed of one training step's augmentation: fixed by the session's seed and the step, so a rerun sees the same images. */
export function stepSeed(sessionSeed: number, step: number): number {
  return (Math.imul(sessionSeed, 0x9e3779b1) + step) >>> 0;
}
