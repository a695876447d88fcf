// Where a classifier goes wrong, from its predicted probabilities: the confusion matrix, each
// class's accuracy, and the "top losses" (the examples it got most confidently wrong). Pure
// TypeScript on plain arrays, so the page, the worker and Node tests share it.

/** `count` rows of `classes` probabilities each, row-major (what the model's softmax outputs). */
export interface ClassProbabilities {
  probabilities: Float32Array;
  /** The true class of each row. */
  labels: ArrayLike<number>;
  count: number;
  classes: number;
}

/** The predicted class of each row: the most probable one (the first, on a tie). */
export function predictedClasses(probabilities: Float32Array, count: number, classes: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let row = 0; row < count; row++) {
    const base = row * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[base + c] > probabilities[base + best]) best = c;
    out[row] = best;
  }
  return out;
}

/**
 * `matrix[actual][predicted]` = how many examples of class `actual` the model read as
 * `predicted`. Rows are true classes, columns predictions; the diagonal holds the right answers.
 */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (labels.length !== predicted.length) throw new RangeError(`${labels.length} labels but ${predicted.length} predictions`);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i];
    const guess = predicted[i];
    if (actual >= 0 && actual < classes && guess >= 0 && guess < classes) matrix[actual][guess]++;
  }
  return matrix;
}

export interface ClassAccuracy {
  label: number;
  /** Examples of this class. */
  count: number;
  correct: number;
  /** correct / count; null for a class with no examples. */
  accuracy: number | null;
  /** The class it is most often mistaken for, with how often (null when never mistaken). */
  confusedWith: { label: number; count: number } | null;
}

/** Each class's accuracy (its row of the confusion matrix), and what it is most often read as. */
export function perClassAccuracy(matrix: readonly (readonly number[])[]): ClassAccuracy[] {
  return matrix.map((row, label) => {
    const count = row.reduce((a, b) => a + b, 0);
    const correct = row[label];
    let confusedWith: ClassAccuracy['confusedWith'] = null;
    row.forEach((n, other) => {
      if (other !== label && n > 0 && (!confusedWith || n > confusedWith.count)) confusedWith = { label: other, count: n };
    });
    return { label, count, correct, accuracy: count ? correct / count : null, confusedWith };
  });
}

/** The most common mistake: the largest off-diagonal cell (null when there is none). */
export function worstConfusion(matrix: readonly (readonly number[])[]): { actual: number; predicted: number; count: number } | null {
  let worst: { actual: number; predicted: number; count: number } | null = null;
  matrix.forEach((row, actual) =>
    row.forEach((count, predicted) => {
      if (actual !== predicted && count > 0 && (!worst || count > worst.count)) worst = { actual, predicted, count };
    }),
  );
  return worst;
}

/** The cross-entropy loss of one example: −log of the probability the model gave its true class. */
export function exampleLoss(probabilities: Float32Array, row: number, classes: number, label: number): number {
  // Clamped like the training loss, so a probability of exactly 0 gives a large finite loss.
  return -Math.log(Math.max(probabilities[row * classes + label], 1e-7));
}

export interface TopLoss {
  /** The example's row in the set. */
  index: number;
  label: number;
  predicted: number;
  loss: number;
  /** Its `classes` probabilities. */
  probabilities: Float32Array;
}

/**
 * The examples of class `actual` that the model read as `predicted`, highest loss first (ties
 * keep the set's order). On the diagonal that lists the right answers the model was least sure of.
 */
export function topLosses(set: ClassProbabilities, actual: number, predicted: number, limit = Infinity): TopLoss[] {
  const guesses = predictedClasses(set.probabilities, set.count, set.classes);
  const found: TopLoss[] = [];
  for (let row = 0; row < set.count; row++) {
    if (set.labels[row] !== actual || guesses[row] !== predicted) continue;
    found.push({
      index: row,
      label: actual,
      predicted,
      loss: exampleLoss(set.probabilities, row, set.classes, actual),
      probabilities: set.probabilities.slice(row * set.classes, (row + 1) * set.classes),
    });
  }
  found.sort((a, b) => b.loss - a.loss || a.index - b.index);
  return found.slice(0, limit);
}

/** How the model did on a handful of labelled examples (the learner's own handwriting). */
export function scoreExamples(set: ClassProbabilities): { correct: number; count: number; accuracy: number | null; predicted: Uint8Array } {
  const predicted = predictedClasses(set.probabilities, set.count, set.classes);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predicted[i] === set.labels[i]) correct++;
  return { correct, count: set.count, accuracy: set.count ? correct / set.count : null, predicted };
}
