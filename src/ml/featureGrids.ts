// Turns what a conv net computes into pictures a page can draw: a layer's feature maps, or the
// first layer's filters, laid out as tiles of one grid. Pure (no tfjs, no DOM): each grid cell
// holds a level (0…1 for maps, −1…1 for filters), NaN for the gaps between tiles.
import type { FeatureMaps, Filters, MapLayer } from './featureMaps';

export interface Grid {
  width: number;
  height: number;
  /** height × width levels, row-major; NaN between tiles. */
  values: Float32Array;
  /** The raw value that a level of 1 (or −1) stands for. */
  scale: number;
}

/** Tiles `count` images of height × width, `columns` to a row, one cell apart; `read(k, r, c)` gives a value. */
export function tile(count: number, height: number, width: number, columns: number, read: (k: number, row: number, col: number) => number): Omit<Grid, 'scale'> {
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.ceil(count / cols);
  const gridWidth = cols * (width + 1) - 1;
  const gridHeight = Math.max(0, rows * (height + 1) - 1);
  const values = new Float32Array(gridWidth * gridHeight).fill(NaN);
  for (let k = 0; k < count; k++) {
    const top = Math.floor(k / cols) * (height + 1);
    const left = (k % cols) * (width + 1);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) values[(top + r) * gridWidth + left + c] = read(k, r, c);
  }
  return { width: gridWidth, height: gridHeight, values };
}

/** The largest |value| of a grid's cells (1 when all are 0, so a blank grid stays blank). */
function largest(values: Float32Array): number {
  let max = 0;
  for (const v of values) if (Math.abs(v) > max) max = Math.abs(v);
  return max > 0 ? max : 1;
}

function scaled(grid: Omit<Grid, 'scale'>): Grid {
  const scale = largest(grid.values.filter((v) => !Number.isNaN(v)));
  return { ...grid, values: grid.values.map((v) => v / scale), scale };
}

/**
 * One layer's maps as tiles (map k is channel k), scaled by the layer's largest value, so a map
 * that barely fires looks faint next to one that fires strongly.
 */
export function layerGrid(maps: FeatureMaps, layer: MapLayer, columns: number): Grid {
  const { height, width, channels, offset } = layer;
  return scaled(tile(channels, height, width, columns, (k, r, c) => maps.values[offset + (r * width + c) * channels + k]));
}

/** The filters as tiles (first input channel), scaled by the largest |weight|: negative weights below 0. */
export function filterGrid(filters: Filters, columns: number): Grid {
  const { size, inputChannels, count, values } = filters;
  return scaled(tile(count, size, size, columns, (k, r, c) => values[(r * size + c) * inputChannels * count + k]));
}

/** A single map (e.g. a kernel's output) as a grid of levels, scaled by its largest |value|. */
export function mapGrid(values: Float32Array, width: number, height: number): Grid {
  return scaled({ width, height, values: Float32Array.from(values) });
}

/** Human words for a layer: "Layer 1 · convolution · 8 maps of 24×24". */
export function describeMapLayer(layer: MapLayer): string {
  const kind = layer.kind === 'conv2d' ? 'convolution' : 'max pooling';
  return `Layer ${layer.index} · ${kind} · ${layer.channels} maps of ${layer.height}×${layer.width}`;
}
