import { describe, expect, it } from 'vitest';
import { describeMapLayer, filterGrid, layerGrid, mapGrid, tile } from '../../src/ml/featureGrids';
import type { FeatureMaps } from '../../src/ml/featureMaps';

describe('feature grids', () => {
  it('tiles images in columns with one empty cell between them', () => {
    const grid = tile(3, 2, 2, 2, (k, r, c) => k * 100 + r * 10 + c);
    expect(grid.width).toBe(5); // 2 + gap + 2
    expect(grid.height).toBe(5); // two rows of tiles
    const at = (r: number, c: number) => grid.values[r * grid.width + c];
    expect([at(0, 0), at(0, 1), at(1, 0), at(1, 1)]).toEqual([0, 1, 10, 11]);
    expect([at(0, 3), at(1, 4)]).toEqual([100, 111]);
    expect([at(3, 0), at(4, 1)]).toEqual([200, 211]);
    expect(at(0, 2)).toBeNaN(); // the gap
    expect(at(3, 3)).toBeNaN(); // no fourth tile
  });

  it("lays out one layer's channels-last values as one tile per map, scaled by the layer's largest value", () => {
    // 2×2 maps, 2 channels, after 3 values of another layer: channel 0 counts up, channel 1 is 10× it.
    const values = new Float32Array([9, 9, 9, 1, 10, 2, 20, 3, 30, 4, 40]);
    const maps: FeatureMaps = { layers: [{ index: 2, kind: 'maxPool2d', height: 2, width: 2, channels: 2, offset: 3 }], values, probabilities: new Float32Array(10) };
    const grid = layerGrid(maps, maps.layers[0], 2);
    expect(grid.scale).toBe(40);
    expect(grid.width).toBe(5);
    expect(grid.height).toBe(2);
    const raw = (from: number, to: number) => [...grid.values.subarray(from, to)].map((v) => Math.round(v * 40 * 1e4) / 1e4);
    expect(raw(0, 5)).toEqual([1, 2, NaN, 10, 20]);
    expect(raw(5, 10)).toEqual([3, 4, NaN, 30, 40]);
    expect(describeMapLayer(maps.layers[0])).toBe('Layer 2 · max pooling · 2 maps of 2×2');
  });

  it('draws filters from the kernel layout (filter index last), scaled by the largest |weight|', () => {
    // Two 2×2 filters, one input channel: filter 0 = [1, 2, 3, 4], filter 1 = [-8, 0, 0, 0].
    const values = new Float32Array([1, -8, 2, 0, 3, 0, 4, 0]);
    const grid = filterGrid({ size: 2, inputChannels: 1, count: 2, values }, 8);
    expect(grid.scale).toBe(8);
    expect(grid.width).toBe(5);
    expect([...grid.values].map((v) => v * 8)).toEqual([1, 2, NaN, -8, 0, 3, 4, NaN, 0, 0]);
  });

  it('keeps a blank map blank instead of dividing by zero', () => {
    const grid = mapGrid(new Float32Array(4), 2, 2);
    expect(grid.scale).toBe(1);
    expect([...grid.values]).toEqual([0, 0, 0, 0]);
  });
});
