// Lesson 11: a classifier of the learner's own classes (✓, ✗, ○…) drawn on the pad. This module
// checks the drawings, splits them into a training and a held-out part that both contain every
// class (seeded, so the same drawings always split the same way), and names the model and the
// training settings. Pure TypeScript: no DOM, no tfjs.
import { DIGIT_SIDE } from './preprocessDigit';
import { MNIST_PRESETS, type ModelSpec } from './modelSpec';
import { defaults, type Schema } from './schema';
import { TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import { createRng, shuffleInPlace } from './random';
import type { TrainingData } from './trainingTypes';

/** Pixels per drawing: the 28×28 image the model reads, one byte each (0 paper … 255 ink). */
export const DRAWING_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
export const MIN_CLASSES = 2;
export const MAX_CLASSES = 5;
export const MIN_PER_CLASS = 10;
export const MAX_PER_CLASS = 100;
export const MAX_NAME_LENGTH = 20;
/** The share of each class's drawings kept back to test on. */
export const HELD_OUT_SHARE = 0.2;

/** One of the learner's classes: its name and its drawings (each DRAWING_PIXELS bytes). */
export interface DrawingClass {
  name: string;
  drawings: Uint8Array[];
}

/** The same small CNN as lesson 1's digit classifier; only its output layer (one unit per class) differs. */
export const OWN_CLASSIFIER_SPEC: ModelSpec = MNIST_PRESETS.cnn;

/**
 * A few dozen drawings are about one batch: many short epochs, Adam at lesson 1's rate. 40
 * epochs of 40 drawings is 120 steps, a few seconds on this machine's CPU.
 */
export const OWN_CLASSIFIER_HYPER: Hyperparams = { ...defaults(TRAINING_SCHEMA), optimizer: 'adam', learningRate: 0.005, batchSize: 16, epochs: 40 };

/** What a shared link may set in lesson 11: the training settings its panel shows (drawings stay in the browser). */
export const OWN_CLASSIFIER_LINK_SCHEMA = {
  epochs: { ...TRAINING_SCHEMA.epochs, min: 1, default: OWN_CLASSIFIER_HYPER.epochs, help: 'Passes over your drawings.' },
  learningRate: { ...TRAINING_SCHEMA.learningRate, default: OWN_CLASSIFIER_HYPER.learningRate },
  batchSize: { ...TRAINING_SCHEMA.batchSize, max: 128, default: OWN_CLASSIFIER_HYPER.batchSize },
} satisfies Schema;

/** Why a class name cannot be used, or null when it can. */
export function checkClassName(name: string, others: readonly string[]): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the class a name (a word, a letter or a symbol such as ✓).';
  if ([...trimmed].length > MAX_NAME_LENGTH) return `Keep class names to ${MAX_NAME_LENGTH} characters.`;
  if (others.some((other) => other.trim() === trimmed)) return `There is already a class called “${trimmed}”.`;
  return null;
}

/** Everything that stops these drawings from training a classifier, in the learner's words (empty = ready). */
export function trainingProblems(classes: readonly DrawingClass[]): string[] {
  const problems: string[] = [];
  if (classes.length < MIN_CLASSES) {
    problems.push(`A classifier needs at least ${MIN_CLASSES} classes to tell apart; you have ${classes.length}. Add another class.`);
  }
  if (classes.length > MAX_CLASSES) problems.push(`At most ${MAX_CLASSES} classes, please; you have ${classes.length}.`);
  classes.forEach((c, i) => {
    const nameProblem = checkClassName(c.name, classes.slice(0, i).map((o) => o.name));
    if (nameProblem) problems.push(`Class ${i + 1}: ${nameProblem}`);
    if (c.drawings.length < MIN_PER_CLASS) {
      problems.push(`Draw at least ${MIN_PER_CLASS} examples of “${c.name}”: it has ${c.drawings.length}, so ${MIN_PER_CLASS - c.drawings.length} more.`);
    }
  });
  return problems;
}

export interface OwnSplit {
  data: TrainingData;
  /** Drawings per class in each part, in class order. */
  trainCounts: number[];
  heldOutCounts: number[];
}

export type SplitResult = { ok: true; split: OwnSplit } | { ok: false; problems: string[] };

/**
 * Splits each class on its own (stratified): a seeded shuffle of its drawings, then the first
 * floor(share × n) held out. Every class must land in both parts: a class the held-out part
 * lacks could not be tested, and one the training part lacks could never be learnt.
 */
export function splitDrawings(classes: readonly DrawingClass[], seed = 1234, share = HELD_OUT_SHARE): SplitResult {
  const random = createRng(seed);
  const train: { pixels: Uint8Array; label: number }[] = [];
  const heldOut: { pixels: Uint8Array; label: number }[] = [];
  const trainCounts: number[] = [];
  const heldOutCounts: number[] = [];
  const problems: string[] = [];
  classes.forEach((c, label) => {
    const order = c.drawings.map((_, i) => i);
    shuffleInPlace(order, random);
    const held = Math.floor(share * order.length);
    if (held < 1) problems.push(`“${c.name}” has no drawing in the held-out part, so the test could not check it. Draw more examples of it.`);
    if (order.length - held < 1) problems.push(`“${c.name}” has no drawing left to learn from. Draw more examples of it.`);
    order.forEach((i, k) => (k < held ? heldOut : train).push({ pixels: c.drawings[i], label }));
    heldOutCounts.push(held);
    trainCounts.push(order.length - held);
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    split: {
      data: { inputShape: [DIGIT_SIDE, DIGIT_SIDE, 1], outputUnits: classes.length, loss: 'softmaxCrossEntropy', train: toExamples(train), validation: toExamples(heldOut) },
      trainCounts,
      heldOutCounts,
    },
  };
}

/** A drawing as the model's input: 0…1 floats, ink high. */
export function drawingToInput(pixels: Uint8Array): Float32Array {
  return Float32Array.from(pixels, (v) => v / 255);
}

/** The pad's 0…1 image as the bytes a drawing is kept in. */
export function inputToDrawing(input: Float32Array): Uint8Array {
  return Uint8Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

function toExamples(items: { pixels: Uint8Array; label: number }[]): TrainingData['train'] {
  const x = new Float32Array(items.length * DRAWING_PIXELS);
  const y = new Int32Array(items.length);
  items.forEach((item, k) => {
    for (let p = 0; p < DRAWING_PIXELS; p++) x[k * DRAWING_PIXELS + p] = item.pixels[p] / 255;
    y[k] = item.label;
  });
  return { x, y, count: items.length };
}
