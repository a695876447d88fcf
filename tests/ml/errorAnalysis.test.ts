import { describe, expect, it } from 'vitest';
import { confusionMatrix, exampleLoss, perClassAccuracy, predictedClasses, scoreExamples, topLosses, worstConfusion } from '../../src/ml/errorAnalysis';

// Six examples of three classes, worked out by hand:
//   row  label  probabilities        predicted  loss = −ln p[label]
//   0    0      0.7 0.2 0.1          0          0.357
//   1    0      0.1 0.8 0.1          1          2.303
//   2    1      0.2 0.6 0.2          1          0.511
//   3    1      0.5 0.3 0.2          0          1.204
//   4    2      0.1 0.1 0.8          2          0.223
//   5    0      0.3 0.6 0.1          1          1.204
const probabilities = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.6, 0.2, 0.5, 0.3, 0.2, 0.1, 0.1, 0.8, 0.3, 0.6, 0.1]);
const labels = Uint8Array.from([0, 0, 1, 1, 2, 0]);
const set = { probabilities, labels, count: 6, classes: 3 };

describe('error analysis', () => {
  it('reads the most probable class of each row', () => {
    expect([...predictedClasses(probabilities, 6, 3)]).toEqual([0, 1, 1, 0, 2, 1]);
  });

  it('builds the confusion matrix of a hand-checked case: rows true, columns predicted, summing to the set size', () => {
    const matrix = confusionMatrix(labels, predictedClasses(probabilities, 6, 3), 3);
    expect(matrix).toEqual([
      [1, 2, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(6);
    expect(worstConfusion(matrix)).toEqual({ actual: 0, predicted: 1, count: 2 });
    expect(() => confusionMatrix(labels, [0, 1], 3)).toThrow(/6 labels but 2 predictions/);
  });

  it('gives each class its accuracy and what it is most often mistaken for', () => {
    const rows = perClassAccuracy(confusionMatrix(labels, predictedClasses(probabilities, 6, 3), 3));
    expect(rows.map((r) => [r.count, r.correct])).toEqual([[3, 1], [2, 1], [1, 1]]);
    expect(rows[0].accuracy).toBeCloseTo(1 / 3);
    expect(rows[1].accuracy).toBe(0.5);
    expect(rows[2].accuracy).toBe(1);
    expect(rows[0].confusedWith).toEqual({ label: 1, count: 2 });
    expect(rows[2].confusedWith).toBeNull();
    expect(perClassAccuracy([[0, 0], [0, 4]])[0].accuracy).toBeNull();
  });

  it('lists a cell’s examples by loss, highest first, each with its probabilities', () => {
    const zerosReadAsOne = topLosses(set, 0, 1);
    expect(zerosReadAsOne.map((t) => t.index)).toEqual([1, 5]);
    expect(zerosReadAsOne[0].loss).toBeCloseTo(-Math.log(0.1), 5);
    expect(zerosReadAsOne[1].loss).toBeCloseTo(-Math.log(0.3), 5);
    expect([...zerosReadAsOne[0].probabilities]).toEqual([...probabilities.slice(3, 6)]);
    expect(zerosReadAsOne.every((t) => t.label === 0 && t.predicted === 1)).toBe(true);
    expect(topLosses(set, 2, 0)).toEqual([]);
    expect(topLosses(set, 0, 1, 1).map((t) => t.index)).toEqual([1]);
  });

  it('orders many examples by loss whatever order they come in', () => {
    const n = 200;
    const probs = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const p = ((i * 37) % n) / n / 2; // the true class 0 always loses to class 1
      probs.set([p, 1 - p], i * 2);
    }
    const losses = topLosses({ probabilities: probs, labels: new Uint8Array(n), count: n, classes: 2 }, 0, 1).map((t) => t.loss);
    expect(losses).toHaveLength(n);
    for (let i = 1; i < n; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
    expect(exampleLoss(Float32Array.from([0, 1]), 0, 2, 0)).toBeCloseTo(-Math.log(1e-7));
  });

  it('scores a handful of labelled drawings', () => {
    const score = scoreExamples(set);
    expect(score).toMatchObject({ correct: 3, count: 6 });
    expect(score.accuracy).toBe(0.5);
    expect(scoreExamples({ probabilities: new Float32Array(0), labels: [], count: 0, classes: 10 }).accuracy).toBeNull();
  });
});
