import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../src/ml/mnist';
import { averageDigits, distanceToAverage, nearestAverage, nearestAverageAccuracy, type LabelledImages } from '../../src/ml/pixelSimilarity';
import { loadAssetFromDisk } from './helpers';

/**
 * Six 1×4 "images" of two classes. Class 0 is ink on the left, class 1 ink on the right.
 *   training:   0: [255 255 0 0]  0: [255 51 0 0]   1: [0 0 255 255]  1: [0 0 153 255]
 *   to classify: [204 204 0 0] (class 0) and [0 102 102 0] (labelled 1, but nearer to class 0's
 *   average by both distances: the baseline gets it wrong)
 */
const tiny: LabelledImages = {
  rows: 1,
  cols: 4,
  pixels: Uint8Array.from([255, 255, 0, 0, 255, 51, 0, 0, 0, 0, 255, 255, 0, 0, 153, 255, 204, 204, 0, 0, 0, 102, 102, 0]),
  labels: Uint8Array.from([0, 0, 1, 1, 0, 1]),
};

describe('pixel similarity (nearest average digit)', () => {
  it('averages each class pixel by pixel, scaled to 0–1', () => {
    const model = averageDigits(tiny, [0, 1, 2, 3], 2);
    expect(Array.from(model.counts)).toEqual([2, 2]);
    // class 0: (1 + 1)/2, (1 + 0.2)/2, 0, 0; class 1: 0, 0, (1 + 0.6)/2, 1
    expect(Array.from(model.averages)).toEqual([1, 0.6, 0, 0, 0, 0, 0.8, 1].map(Math.fround));
  });

  it('measures distances by hand-checked L1 and L2', () => {
    const model = averageDigits(tiny, [0, 1, 2, 3], 2);
    // image 4 = [0.8 0.8 0 0]: to class 0 |−0.2|+|0.2| = 0.4 → 0.1; to class 1 0.8+0.8+0.8+1 = 3.4 → 0.85
    expect(distanceToAverage(tiny, 4, model, 0, 'meanAbsolute')).toBeCloseTo(0.1, 6);
    expect(distanceToAverage(tiny, 4, model, 1, 'meanAbsolute')).toBeCloseTo(0.85, 6);
    // image 5 = [0 0.4 0.4 0]: to class 0 1+0.2+0.4+0 = 1.6 → 0.4, squares 1+0.04+0.16 = 1.2 → √0.3
    //                           to class 1 0+0.4+0.4+1 = 1.8 → 0.45, squares 0.16+0.16+1 = 1.32 → √0.33
    expect(distanceToAverage(tiny, 5, model, 0, 'meanAbsolute')).toBeCloseTo(0.4, 6);
    expect(distanceToAverage(tiny, 5, model, 1, 'meanAbsolute')).toBeCloseTo(0.45, 6);
    expect(distanceToAverage(tiny, 5, model, 0, 'rootMeanSquare')).toBeCloseTo(Math.sqrt(0.3), 6);
    expect(distanceToAverage(tiny, 5, model, 1, 'rootMeanSquare')).toBeCloseTo(Math.sqrt(0.33), 6);
  });

  it('labels an image with its nearest average, and counts the share it gets right', () => {
    const model = averageDigits(tiny, [0, 1, 2, 3], 2);
    expect(nearestAverage(tiny, 4, model, 'meanAbsolute')).toBe(0);
    expect(nearestAverage(tiny, 5, model, 'meanAbsolute')).toBe(0);
    expect(nearestAverage(tiny, 5, model, 'rootMeanSquare')).toBe(0);
    expect(nearestAverageAccuracy(tiny, [4, 5], model, 'meanAbsolute')).toBe(0.5);
    expect(nearestAverageAccuracy(tiny, [0, 1, 2, 3], model, 'rootMeanSquare')).toBe(1);
    expect(() => nearestAverageAccuracy(tiny, [], model, 'meanAbsolute')).toThrow(/no images/);
  });

  it('never predicts a class it has no average for, and rejects a label beyond the classes', () => {
    const model = averageDigits(tiny, [0, 1], 2); // class 1 unseen
    expect(Array.from(model.counts)).toEqual([2, 0]);
    expect(nearestAverage(tiny, 3, model, 'rootMeanSquare')).toBe(0);
    expect(() => averageDigits(tiny, [2], 1)).toThrow(/only 1 classes/);
  });

  it('gets about 80 % of the 2,000 validation digits right by L2, well below a trained network', async () => {
    const data = await loadAssetFromDisk();
    const split = stratifiedSplit(data.labels, 2000, 1234);
    const model = averageDigits(data, split.train);
    expect(Array.from(model.counts).reduce((a, b) => a + b)).toBe(8000);
    // Measured: 80.2 % by root mean squared difference, 65.0 % by mean absolute difference.
    const l2 = nearestAverageAccuracy(data, split.validation, model, 'rootMeanSquare');
    const l1 = nearestAverageAccuracy(data, split.validation, model, 'meanAbsolute');
    expect(l2).toBeGreaterThan(0.75);
    expect(l2).toBeLessThan(0.85);
    expect(l1).toBeGreaterThan(0.55);
    expect(l1).toBeLessThan(l2);
  });
});
