import { describe, expect, it } from 'vitest';
import { DRAWING_PIXELS, MIN_PER_CLASS, checkClassName, drawingToInput, inputToDrawing, splitDrawings, trainingProblems, type DrawingClass } from '../../src/ml/ownClassifier';

/** `n` drawings of a class whose every pixel holds its id, so each drawing is recognisable after the split. */
function drawings(classId: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, k) => {
    const pixels = new Uint8Array(DRAWING_PIXELS).fill(classId * 50);
    pixels[0] = k; // which drawing this is
    return pixels;
  });
}
const classes = (...counts: number[]): DrawingClass[] => counts.map((n, i) => ({ name: ['✓', '✗', '○', 'A', 'B', 'C'][i], drawings: drawings(i + 1, n) }));

describe('own classifier drawings', () => {
  it('are ready with 2–5 named classes of enough drawings, and say what is missing otherwise', () => {
    expect(trainingProblems(classes(10, 10, 12))).toEqual([]);
    expect(trainingProblems(classes(12)).join(' ')).toMatch(/at least 2 classes.*you have 1/);
    expect(trainingProblems(classes(10, 4)).join(' ')).toMatch(/at least 10 examples of “✗”: it has 4, so 6 more/);
    expect(trainingProblems([...classes(10, 10), { name: ' ✓ ', drawings: drawings(3, 10) }]).join(' ')).toMatch(/already a class called “✓”/);
    expect(trainingProblems(classes(10, 10, 10, 10, 10, 10)).join(' ')).toMatch(/At most 5 classes, please; you have 6/);
    expect(checkClassName('   ', [])).toMatch(/Give the class a name/);
    expect(checkClassName('x'.repeat(21), [])).toMatch(/20 characters/);
    expect(checkClassName('✓', ['✗'])).toBeNull();
  });

  it('split keeps every class in both parts, holds out a fifth of each, and loses or repeats no drawing', () => {
    const own = classes(10, 13, 25);
    const result = splitDrawings(own, 7);
    if (!result.ok) throw new Error(result.problems.join(' '));
    const { data, trainCounts, heldOutCounts } = result.split;
    expect(heldOutCounts).toEqual([2, 2, 5]);
    expect(trainCounts).toEqual([8, 11, 20]);
    expect(data.outputUnits).toBe(3);
    expect(data.inputShape).toEqual([28, 28, 1]);
    expect(data.loss).toBe('softmaxCrossEntropy');
    const labelsOf = (y: Float32Array | Int32Array) => new Set(y);
    expect(labelsOf(data.train.y)).toEqual(new Set([0, 1, 2]));
    expect(labelsOf(data.validation!.y)).toEqual(new Set([0, 1, 2]));
    // Each example's pixels still belong to its label's class, and every drawing appears once.
    const seen = new Set<string>();
    for (const set of [data.train, data.validation!]) {
      for (let i = 0; i < set.count; i++) {
        const label = set.y[i];
        expect(set.x[i * DRAWING_PIXELS + 1]).toBeCloseTo(((label + 1) * 50) / 255);
        seen.add(`${label}:${Math.round(set.x[i * DRAWING_PIXELS] * 255)}`);
      }
    }
    expect(seen.size).toBe(48);
  });

  it('split is the same for the same seed and differs for another', () => {
    const own = classes(20, 20);
    const a = splitDrawings(own, 1);
    const b = splitDrawings(own, 1);
    const c = splitDrawings(own, 2);
    if (!a.ok || !b.ok || !c.ok) throw new Error('split failed');
    expect([...a.split.data.validation!.x]).toEqual([...b.split.data.validation!.x]);
    expect([...a.split.data.validation!.x]).not.toEqual([...c.split.data.validation!.x]);
  });

  it('split refuses a class that would have no held-out drawing or nothing left to learn from', () => {
    const tooFewToTest = splitDrawings(classes(MIN_PER_CLASS, 4), 1);
    expect(tooFewToTest.ok).toBe(false);
    if (!tooFewToTest.ok) expect(tooFewToTest.problems.join(' ')).toMatch(/“✗” has no drawing in the held-out part/);
    const nothingToLearn = splitDrawings(classes(10, 1), 1, 1);
    if (!nothingToLearn.ok) expect(nothingToLearn.problems.join(' ')).toMatch(/no drawing left to learn from/);
    expect(nothingToLearn.ok).toBe(false);
  });

  it('turns the pad’s 0…1 image into bytes and back', () => {
    const input = Float32Array.from([0, 0.5, 1, 1.2, -0.1]);
    expect([...inputToDrawing(input)]).toEqual([0, 128, 255, 255, 0]);
    expect(drawingToInput(Uint8Array.from([0, 255]))).toEqual(Float32Array.from([0, 1]));
  });
});
