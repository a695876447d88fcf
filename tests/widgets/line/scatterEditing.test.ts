import { describe, expect, it } from 'vitest';
import { addPoint, clampToView, clipLine, hitTest, movePoint, removePoint, ticks, toData, toScreen, viewFor, type PlotBox, type PlotView } from '../../../src/widgets/line/scatterEditing';
import { BANDS, heatColour, landscapePixels, lossLevel } from '../../../src/widgets/toy/heatMap';
import { lossLandscape } from '../../../src/ml/lossLandscape';

const view: PlotView = { xMin: -1, xMax: 1, yMin: -2, yMax: 2 };
const box: PlotBox = { left: 40, top: 10, width: 400, height: 200 };
const points = { x: Float32Array.of(-1, 0, 0.5), y: Float32Array.of(-2, 0, 1) };

describe('scatter plot geometry', () => {
  it('maps data to screen and back, with y growing upwards in data and downwards on screen', () => {
    expect(toScreen(view, box, -1, 2)).toEqual({ sx: 40, sy: 10 });
    expect(toScreen(view, box, 1, -2)).toEqual({ sx: 440, sy: 210 });
    const { sx, sy } = toScreen(view, box, 0.3, -0.7);
    const back = toData(view, box, sx, sy);
    expect(back.x).toBeCloseTo(0.3, 10);
    expect(back.y).toBeCloseTo(-0.7, 10);
  });

  it('hit-tests the nearest point within the radius, and nothing outside it', () => {
    const centre = toScreen(view, box, 0, 0);
    expect(hitTest(points, view, box, centre.sx + 3, centre.sy - 4, 6)).toBe(1);
    expect(hitTest(points, view, box, centre.sx + 7, centre.sy, 6)).toBe(-1);
    // Two points in reach: the nearer wins.
    const crowded = { x: Float32Array.of(0, 0.02), y: Float32Array.of(0, 0) };
    const near2 = toScreen(view, box, 0.02, 0);
    expect(hitTest(crowded, view, box, near2.sx + 1, near2.sy, 10)).toBe(1);
    expect(hitTest({ x: new Float32Array(0), y: new Float32Array(0) }, view, box, 0, 0, 10)).toBe(-1);
  });

  it('adds, moves and removes points without touching the original set', () => {
    const added = addPoint(points, 0.25, 0.75);
    expect(Array.from(added.x)).toEqual([-1, 0, 0.5, 0.25]);
    expect(Array.from(added.y)).toEqual([-2, 0, 1, 0.75]);
    const moved = movePoint(points, 1, 0.5, -0.5);
    expect(Array.from(moved.x)).toEqual([-1, 0.5, 0.5]);
    expect(Array.from(moved.y)).toEqual([-2, -0.5, 1]);
    const removed = removePoint(points, 0);
    expect(Array.from(removed.x)).toEqual([0, 0.5]);
    expect(Array.from(removed.y)).toEqual([0, 1]);
    expect(removePoint(points, 7)).toBe(points);
    expect(movePoint(points, -1, 0, 0)).toBe(points);
    expect(Array.from(points.x)).toEqual([-1, 0, 0.5]);
  });

  it('keeps dragged and added points inside the window', () => {
    expect(clampToView(view, 3, -5)).toEqual({ x: 1, y: -2 });
    expect(clampToView(view, 0.5, 0.5)).toEqual({ x: 0.5, y: 0.5 });
  });

  it('frames the points on round numbers with a margin, including the given x range', () => {
    const v = viewFor({ x: Float32Array.of(-0.2, 0.3), y: Float32Array.of(-1.9, 2.6) }, { xMin: -1, xMax: 1 });
    expect(v.xMin).toBeLessThanOrEqual(-1);
    expect(v.xMax).toBeGreaterThanOrEqual(1);
    expect(v.yMin).toBeLessThan(-1.9);
    expect(v.yMax).toBeGreaterThan(2.6);
    for (const value of Object.values(v)) expect(Math.abs(value * 2 - Math.round(value * 2))).toBeLessThan(1e-9);
    // A single point, or all points equal, still gets a window of some size.
    const single = viewFor({ x: Float32Array.of(5), y: Float32Array.of(5) });
    expect(single.xMax).toBeGreaterThan(single.xMin);
    expect(single.yMax).toBeGreaterThan(single.yMin);
    expect(single.xMin).toBeLessThan(5);
  });

  it('puts gridlines on round numbers', () => {
    expect(ticks(-1, 1)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(ticks(-3, 2)).toEqual([-3, -2, -1, 0, 1, 2]);
  });

  it('clips the line to the window, or drops it when it misses', () => {
    expect(clipLine(view, 0, 1)).toEqual({ x0: -1, y0: 1, x1: 1, y1: 1 });
    expect(clipLine(view, 0, 3)).toBeNull();
    const steep = clipLine(view, 10, 0)!;
    expect(steep.x0).toBeCloseTo(-0.2);
    expect(steep.x1).toBeCloseTo(0.2);
    expect(clipLine(view, 1, 100)).toBeNull();
    expect(clipLine(view, NaN, 0)).toBeNull();
    expect(clipLine(view, 1e30, 5e30)).toBeNull(); // a diverged line far off
  });
});

describe('loss heat map colours', () => {
  it('runs dark to light with the loss, snapped to bands', () => {
    const low = heatColour(0);
    const high = heatColour(1);
    expect(low[0] + low[1] + low[2]).toBeLessThan(high[0] + high[1] + high[2]);
    expect(heatColour(NaN)).toEqual(high);
    expect(lossLevel(0, 0, 100)).toBe(0);
    expect(lossLevel(100, 0, 100)).toBe(1);
    const levels = new Set(Array.from({ length: 200 }, (_, i) => lossLevel(i / 2, 0, 100)));
    expect(levels.size).toBeLessThanOrEqual(BANDS);
    expect(lossLevel(5, 5, 5)).toBe(0);
  });

  it('draws the lowest intercept at the bottom row of the image', () => {
    const points = { x: Float32Array.of(-1, 1), y: Float32Array.of(-1, -1) }; // best line: y = −1
    const landscape = lossLandscape(points, { mRange: [-2, 2], bRange: [-2, 2], resolution: 4 });
    const pixels = landscapePixels(landscape, 4);
    expect(pixels.length).toBe(4 * 4 * 4);
    const brightness = (row: number) => pixels[(row * 4 + 1) * 4] + pixels[(row * 4 + 1) * 4 + 1] + pixels[(row * 4 + 1) * 4 + 2];
    // b = −1.5 (landscape row 0) is drawn in the last image row; b = 1.5 in the first. Low loss is darker.
    expect(brightness(3)).toBeLessThan(brightness(0));
    expect(pixels[3]).toBe(255);
  });
});
