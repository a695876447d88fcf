// Colours for a loss heat map: a log scale (losses span orders of magnitude, and the interesting
// part is the valley floor), cut into bands so the map reads like a contour map.
import type { LossLandscape } from '../../ml/lossLandscape';

// Viridis at eleven stops: dark (low loss) to yellow (high), readable in greyscale and by most
// colour-blind readers.
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [72, 36, 117],
  [65, 68, 135],
  [53, 95, 141],
  [42, 120, 142],
  [33, 145, 140],
  [34, 168, 132],
  [68, 191, 112],
  [122, 209, 81],
  [189, 223, 38],
  [253, 231, 37],
];

export const BANDS = 14;

export function heatColour(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(u));
  const f = u - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Where a loss sits between the map's lowest and highest value, 0–1 on a log scale, snapped to a band. */
export function lossLevel(value: number, min: number, max: number, bands = BANDS): number {
  const floor = Math.max(1e-9, (max - min) * 1e-4);
  const span = Math.log(max - min + floor) - Math.log(floor);
  if (!(span > 0)) return 0;
  const t = (Math.log(Math.max(0, value - min) + floor) - Math.log(floor)) / span;
  return Math.min(bands - 1, Math.floor(t * bands)) / (bands - 1);
}

/**
 * RGBA pixels for the landscape, one per cell, with the lowest intercept at the bottom row (the
 * landscape's row 0 is the lowest b; images count rows from the top).
 */
export function landscapePixels(landscape: LossLandscape, resolution: number): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(resolution * resolution * 4);
  for (let row = 0; row < resolution; row++) {
    const imageRow = resolution - 1 - row;
    for (let col = 0; col < resolution; col++) {
      const [r, g, b] = heatColour(lossLevel(landscape.values[row * resolution + col], landscape.min, landscape.max));
      const k = (imageRow * resolution + col) * 4;
      pixels[k] = r;
      pixels[k + 1] = g;
      pixels[k + 2] = b;
      pixels[k + 3] = 255;
    }
  }
  return pixels;
}
