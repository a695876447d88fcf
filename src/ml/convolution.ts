// A 3×3 convolution in plain TypeScript, for the kernel explorer: no tfjs, so the page can slide
// a kernel over a digit the moment it loads. Like tf.conv2d (and every deep-learning library) it
// does not flip the kernel: output(r, c) = Σ kernel(i, j) · image(r + i, c + j), a
// cross-correlation. The kernel's nine weights are checked through one settings schema.
import { checkParam, type NumberParam } from './schema';

export const KERNEL_SIDE = 3;

/** Nine weights, row by row: [top-left, top-middle, top-right, middle-left, …]. */
export type Kernel = readonly number[];

/**
 * 'valid': the window stays inside the image, so the output is 2 pixels smaller (28×28 → 26×26),
 * as in the lesson's CNN. 'same': the image is padded with zeros and the output keeps its size.
 */
export type Padding = 'valid' | 'same';

export interface FeatureMap {
  width: number;
  height: number;
  /** height × width values, row-major. */
  values: Float32Array;
}

/** The presets a learner picks from (value → label), and their weights. */
export const KERNEL_PRESETS = new Map<string, { label: string; weights: Kernel }>([
  ['vertical', { label: 'Vertical edges', weights: [-1, 0, 1, -2, 0, 2, -1, 0, 1] }],
  ['horizontal', { label: 'Horizontal edges', weights: [-1, -2, -1, 0, 0, 0, 1, 2, 1] }],
  ['blur', { label: 'Blur', weights: [1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9] }],
  ['sharpen', { label: 'Sharpen', weights: [0, -1, 0, -1, 5, -1, 0, -1, 0] }],
  ['identity', { label: 'Identity (no change)', weights: [0, 0, 0, 0, 1, 0, 0, 0, 0] }],
]);

const ROW_NAMES = ['top', 'middle', 'bottom'];
const COLUMN_NAMES = ['left', 'middle', 'right'];

/** The key of weight (row, col) in KERNEL_SCHEMA: w00 … w22. */
export function weightKey(row: number, col: number): string {
  return `w${row}${col}`;
}

/** One number setting per weight, named by its place ("Weight, top row, left column"). */
export const KERNEL_SCHEMA: Record<string, NumberParam> = Object.fromEntries(
  Array.from({ length: KERNEL_SIDE * KERNEL_SIDE }, (_, k) => {
    const row = Math.floor(k / KERNEL_SIDE);
    const col = k % KERNEL_SIDE;
    const param: NumberParam = { kind: 'number', label: `Weight, ${ROW_NAMES[row]} row, ${COLUMN_NAMES[col]} column`, min: -10, max: 10, step: 0.1, default: 0 };
    return [weightKey(row, col), param];
  }),
);

/**
 * Sets weight `index` (0–8) of `kernel` from what the learner typed: a non-number keeps the old
 * weight, a value out of −10…10 is clamped; `message` says what happened.
 */
export function setWeight(kernel: Kernel, index: number, raw: unknown): { kernel: Kernel; message?: string } {
  const param = KERNEL_SCHEMA[weightKey(Math.floor(index / KERNEL_SIDE), index % KERNEL_SIDE)];
  const typed = typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : raw;
  if (typeof typed !== 'number' || !Number.isFinite(typed)) {
    return { kernel, message: `${param.label} must be a number from ${param.min} to ${param.max}; "${String(raw)}" is not one, so it stays ${kernel[index]}.` };
  }
  const checked = checkParam(param, typed);
  const next = kernel.slice();
  next[index] = checked.value;
  return { kernel: next, message: checked.message };
}

/** The preset whose weights these are, or 'custom'. */
export function presetOf(kernel: Kernel): string {
  for (const [name, preset] of KERNEL_PRESETS) {
    if (preset.weights.every((w, i) => Math.abs(w - kernel[i]) < 1e-9)) return name;
  }
  return 'custom';
}

/** Slides the 3×3 `kernel` over a width × height image (row-major) and returns the output map. */
export function convolve(image: Float32Array, width: number, height: number, kernel: Kernel, padding: Padding = 'valid'): FeatureMap {
  const pad = padding === 'same' ? 1 : 0;
  const outWidth = width - KERNEL_SIDE + 1 + 2 * pad;
  const outHeight = height - KERNEL_SIDE + 1 + 2 * pad;
  const values = new Float32Array(Math.max(0, outWidth) * Math.max(0, outHeight));
  for (let r = 0; r < outHeight; r++) {
    for (let c = 0; c < outWidth; c++) {
      let sum = 0;
      for (let i = 0; i < KERNEL_SIDE; i++) {
        const y = r + i - pad;
        if (y < 0 || y >= height) continue; // zero padding
        for (let j = 0; j < KERNEL_SIDE; j++) {
          const x = c + j - pad;
          if (x >= 0 && x < width) sum += kernel[i * KERNEL_SIDE + j] * image[y * width + x];
        }
      }
      values[r * outWidth + c] = sum;
    }
  }
  return { width: Math.max(0, outWidth), height: Math.max(0, outHeight), values };
}

/** The nine input pixels under the window whose top-left corner is (row, col) ('valid' padding). */
export function windowAt(image: Float32Array, width: number, row: number, col: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < KERNEL_SIDE; i++) for (let j = 0; j < KERNEL_SIDE; j++) out.push(image[(row + i) * width + col + j]);
  return out;
}

/**
 * How strongly a kernel answers three test patterns: the largest |output| where the window sits
 * on each (for the edges, every window position straddles the edge).
 */
export interface KernelResponses {
  /** A vertical edge: paper on the left, ink on the right. */
  verticalEdge: number;
  /** A horizontal edge: paper above, ink below. */
  horizontalEdge: number;
  /** An even patch of ink (no edge at all). */
  flatInk: number;
}

interface Pattern {
  width: number;
  height: number;
  image: Float32Array;
}

function pattern(width: number, height: number, ink: (row: number, col: number) => boolean): Pattern {
  const image = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) image[r * width + c] = ink(r, c) ? 1 : 0;
  return { width, height, image };
}

// Two window positions each, both across the edge: paper-paper-ink and paper-ink-ink.
const PATTERNS = {
  verticalEdge: pattern(4, 3, (_, c) => c >= 2),
  horizontalEdge: pattern(3, 4, (r) => r >= 2),
  flatInk: pattern(3, 3, () => true),
};

export function kernelResponses(kernel: Kernel): KernelResponses {
  const strongest = ({ width, height, image }: Pattern) => Math.max(...convolve(image, width, height, kernel).values.map(Math.abs));
  return {
    verticalEdge: strongest(PATTERNS.verticalEdge),
    horizontalEdge: strongest(PATTERNS.horizontalEdge),
    flatInk: strongest(PATTERNS.flatInk),
  };
}
