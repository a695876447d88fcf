// The kernel explorer's "Open as a cell": the kernel shown, slid over validation digits with
// TensorFlow.js's conv2d (which, like the page's convolve, does not flip the kernel), and the maps.
import type { TrainerCell } from './codegen';

/** How many validation digits the cell shows. */
const SHOWN = 12;

export function kernelCellCode(kernel: readonly number[]): string {
  const weights = kernel.map((w) => String(+w.toFixed(4))).join(', ');
  return `// Gradient Lab: the kernel shown, as a code cell. tf.conv2d slides it over many digits at once,
// the way the page's convolve slides it over one (neither flips the kernel).
const kernel = tf.tensor4d([${weights}], [3, 3, 1, 1]); // [rows, columns, channels in, maps out]
const { validation: digits } = await lab.data.digits({ train: 1, validation: ${SHOWN} });

// 'valid': the window stays inside the image, so each 28×28 digit gives a 26×26 map.
const maps = tf.conv2d(digits.xs, kernel, 1, 'valid');
console.log('digits', digits.xs.shape, '→ maps', maps.shape);
await lab.images(digits.xs, { title: 'The digits', labels: digits.labels });

// The outputs can be negative or above 1: scale them all to 0–1 to show them.
const low = maps.min(), high = maps.max();
console.log(\`outputs from \${low.dataSync()[0].toFixed(2)} to \${high.dataSync()[0].toFixed(2)}\`);
await lab.images(maps.sub(low).div(high.sub(low).maximum(1e-6)), { title: 'What the kernel answers (scaled to 0–1)' });
`;
}

export function kernelCell(kernel: readonly number[]): TrainerCell {
  return { code: kernelCellCode(kernel), data: 'digits' };
}
