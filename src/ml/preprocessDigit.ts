// Turns a drawing into the 28×28 image a model trained on MNIST expects, the way the MNIST
// digits themselves were prepared: crop to the ink, shrink (anti-aliased) so the longer side
// is 20 px keeping the aspect ratio, then place it in a 28×28 field so the centre of mass sits
// at the middle. A model has only ever seen digits framed like that, so skipping any of these
// steps (a small digit in a corner, a digit filling the whole box) makes it guess badly.
//
// Ink convention: every image here is "ink high" — 0 is paper, 1 is full ink. Float arrays
// and plain number arrays are read as 0..1; a Uint8ClampedArray is read as 0..255.
// Pure TypeScript with no DOM, so it runs in the page, in a worker and in Node tests.

/** Side of the square image the model reads (MNIST: 28). */
export const DIGIT_SIDE = 28;
/** Longer side of the digit's box inside that image (MNIST: 20). */
export const DIGIT_BOX = 20;

export interface PreprocessOptions {
  /** Ink below this (0..1) counts as paper, so stray faint pixels neither widen the crop nor pull the centre. Default 0.1. */
  noiseThreshold?: number;
  /** Longer side of the digit after scaling, in output pixels. Default 20. */
  boxSize?: number;
  /** Rescale so the strongest output pixel is 1 (a thin pen shrunk a lot otherwise turns grey). Default true. */
  normalize?: boolean;
}

/**
 * Prepares a grayscale ink image of any size for an MNIST model.
 * Returns 784 values (row-major 28×28, 0..1, ink = 1), or null when there is no ink.
 * The mass centre lands within half a pixel of pixel (14, 14) in index coordinates — where it
 * is on average in MNIST itself — unless that would cut the digit off.
 */
export function preprocessDigit(
  gray: Float32Array | Uint8ClampedArray | readonly number[],
  width: number,
  height: number,
  opts: PreprocessOptions = {},
): Float32Array | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`preprocessDigit: bad size ${width}×${height}`);
  }
  if (gray.length !== width * height) {
    throw new RangeError(`preprocessDigit: ${gray.length} values for a ${width}×${height} image`);
  }
  const threshold = opts.noiseThreshold ?? 0.1;
  const box = Math.min(DIGIT_SIDE, Math.max(1, opts.boxSize ?? DIGIT_BOX));
  const unit = gray instanceof Uint8ClampedArray ? 1 / 255 : 1;

  // Clean ink, bounding box and mass centre in one pass.
  const ink = new Float32Array(width * height);
  let x0 = width, x1 = -1, y0 = height, y1 = -1;
  let mass = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const raw = gray[y * width + x] * unit;
      const v = raw > 1 ? 1 : raw; // NaN and negatives fail the next test and count as paper
      if (!(v >= threshold) || v <= 0) continue;
      ink[y * width + x] = v;
      mass += v;
      sumX += v * x;
      sumY += v * y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (mass === 0) return null;

  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  const scale = box / Math.max(cropW, cropH);
  // Source pixel x covers [x, x+1); it lands on [offset + (x - x0)·scale, … + scale) in the output.
  // Whole-pixel offsets keep the strokes as sharp as MNIST's (a fractional shift smears every
  // edge over two pixels) and still put the mass centre within half a pixel of the target.
  const offsetX = placeOffset((sumX / mass + 0.5 - x0) * scale, cropW * scale);
  const offsetY = placeOffset((sumY / mass + 0.5 - y0) * scale, cropH * scale);

  const colWeights = boxFilterWeights(cropW, scale, offsetX);
  const rowWeights = boxFilterWeights(cropH, scale, offsetY);

  // Separable area averaging: first squeeze each row to 28 columns, then the rows together.
  const rows = new Float32Array(cropH * DIGIT_SIDE);
  for (let y = 0; y < cropH; y++) {
    const srcRow = (y0 + y) * width + x0;
    const dstRow = y * DIGIT_SIDE;
    for (let x = 0; x < cropW; x++) {
      const v = ink[srcRow + x];
      if (v === 0) continue;
      const { first, weights } = colWeights[x];
      for (let k = 0; k < weights.length; k++) rows[dstRow + first + k] += v * weights[k];
    }
  }
  const out = new Float32Array(DIGIT_SIDE * DIGIT_SIDE);
  for (let y = 0; y < cropH; y++) {
    const { first, weights } = rowWeights[y];
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      const dstRow = (first + k) * DIGIT_SIDE;
      for (let j = 0; j < DIGIT_SIDE; j++) out[dstRow + j] += w * rows[y * DIGIT_SIDE + j];
    }
  }

  let max = 0;
  for (let i = 0; i < out.length; i++) if (out[i] > max) max = out[i];
  const gain = opts.normalize === false || max === 0 ? 1 : 1 / max;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, out[i] * gain);
  return out;
}

/**
 * Whole-pixel offset that puts a mass centre found `centre` output pixels from the digit's
 * leading edge onto pixel index 14 (continuous coordinate 14.5), clamped so the `extent`-wide
 * digit stays inside the 28-pixel field.
 */
function placeOffset(centre: number, extent: number): number {
  const ideal = Math.round(DIGIT_SIDE / 2 + 0.5 - centre);
  return Math.min(Math.max(ideal, 0), DIGIT_SIDE - extent);
}

interface PixelWeights {
  first: number;
  weights: Float32Array;
}

/**
 * For each of `count` source pixels, the output pixels it overlaps and by how much (in output
 * pixel widths). Summing value × overlap is exact area averaging: it anti-aliases when
 * shrinking and preserves the mass centre.
 */
function boxFilterWeights(count: number, scale: number, offset: number): PixelWeights[] {
  const result: PixelWeights[] = [];
  for (let i = 0; i < count; i++) {
    const start = offset + i * scale;
    const end = start + scale;
    const first = Math.max(0, Math.floor(start));
    const last = Math.min(DIGIT_SIDE - 1, Math.ceil(end) - 1);
    const weights = new Float32Array(Math.max(0, last - first + 1));
    for (let j = first; j <= last; j++) {
      weights[j - first] = Math.max(0, Math.min(end, j + 1) - Math.max(start, j));
    }
    result.push({ first, weights });
  }
  return result;
}

/**
 * Converts canvas ImageData (RGBA, 0..255) into ink 0..1 for `preprocessDigit`.
 * The digit pad draws dark ink on a transparent canvas (the page shows white behind it), so
 * by default each pixel is composited over white and ink = 1 − luminance: dark strokes on a
 * white or transparent background both work. Pass `background: 'dark'` for light ink on a
 * black or transparent background (composited over black, ink = luminance).
 */
export function rgbaToInk(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  background: 'light' | 'dark' = 'light',
): Float32Array {
  const n = width * height;
  if (rgba.length !== n * 4) {
    throw new RangeError(`rgbaToInk: ${rgba.length} bytes for a ${width}×${height} RGBA image`);
  }
  const ink = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const alpha = rgba[4 * i + 3] / 255;
    const luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    ink[i] = background === 'light' ? alpha * (1 - luminance) : alpha * luminance;
  }
  return ink;
}
