import { checkMet } from '../../src/shared/exerciseCheck';
import { lessonBound, lessonCheck } from '../lessonExercises';
import { describe, expect, it } from 'vitest';
import {
  DATA_KEYS,
  LIVE_KEYS,
  MAX_HIDDEN_LAYERS,
  MODEL_KEYS,
  PLAYGROUND_SCHEMA,
  POINT_COUNT,
  buildPlaygroundTask,
  hiddenLayerUnits,
  playgroundHyper,
  playgroundSettings,
  playgroundSpec,
  regularizationHyper,
  selectedFeatures,
  CLASSIFIER_PLAYGROUND,
  type PlaygroundKey,
  type PlaygroundSettings,
} from '../../src/ml/classifierPlayground';
import { defaults, type Param } from '../../src/ml/schema';

const base = defaults(PLAYGROUND_SCHEMA);

/** A valid value other than `current`. */
function anotherValue(param: Param, current: unknown): unknown {
  switch (param.kind) {
    case 'boolean':
      return !current;
    case 'enum':
      return [...param.options.keys()].find((key) => key !== current);
    case 'number':
      return current === param.max ? param.min : param.max;
  }
}

describe('classifier playground settings', () => {
  it('sorts every setting by what it changes: the data, the model or the training (showTest: only the drawing)', () => {
    // Every layer in use and a penalty on, so that each unit count and the penalty rate matter.
    const start: PlaygroundSettings = { ...base, hiddenLayers: MAX_HIDDEN_LAYERS, regularization: 'l2' };
    const parts = (s: PlaygroundSettings) => ({ data: buildPlaygroundTask(s, 3).data, model: playgroundSpec(s), live: playgroundHyper(s) });
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const before = parts(start);
    const keys = Object.keys(PLAYGROUND_SCHEMA) as PlaygroundKey[];
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      const changed = parts({ ...start, [key]: anotherValue(PLAYGROUND_SCHEMA[key], start[key]) });
      const what = (['data', 'model', 'live'] as const).filter((part) => !same(changed[part], before[part]));
      const expected = DATA_KEYS.includes(key) ? ['data'] : MODEL_KEYS.includes(key) ? ['model'] : LIVE_KEYS.includes(key) ? ['live'] : [];
      expect({ key, what }).toEqual({ key, what: expected });
    }
  });

  it('clamps lesson props and never leaves the network without an input', () => {
    const { settings, messages } = playgroundSettings({
      units1: 40,
      noise: -3,
      x1: false,
      x2: false,
      dataset: 'moons',
    });
    expect(settings.units1).toBe(16);
    expect(settings.noise).toBe(0);
    expect(settings.dataset).toBe('circle');
    expect(selectedFeatures(settings)).toEqual(['x1', 'x2']);
    expect(messages).toHaveLength(4);
    expect(messages.at(-1)).toMatch(/At least one input feature/);
  });

  it('lists the ticked features in Playground order', () => {
    expect(selectedFeatures({ ...base, x1: false, sinX2: true, x1x2: true })).toEqual(['x2', 'x1x2', 'sinX2']);
  });

  it('builds only as many hidden layers as asked for, each with its own units', () => {
    const s = { ...base, hiddenLayers: 3, units1: 8, units2: 6, units3: 2, units4: 16, activation: 'relu' as const };
    expect(hiddenLayerUnits(s)).toEqual([8, 6, 2]);
    expect(playgroundSpec(s)).toEqual({
      layers: [8, 6, 2].map((units) => ({ type: 'dense', units, activation: 'relu' })),
    });
    expect(playgroundSpec({ ...s, hiddenLayers: 0 })).toEqual({ layers: [] });
  });

  it("maps the regularisation choice onto the session's l1 / l2", () => {
    expect(regularizationHyper({ regularization: 'none', regularizationRate: 0.01 })).toEqual({ l1: 0, l2: 0 });
    expect(regularizationHyper({ regularization: 'l1', regularizationRate: 0.01 })).toEqual({ l1: 0.01, l2: 0 });
    expect(regularizationHyper({ regularization: 'l2', regularizationRate: 0.003 })).toEqual({ l1: 0, l2: 0.003 });
    expect(
      playgroundHyper({ ...base, regularization: 'l2', regularizationRate: 0.003, learningRate: 0.01, batchSize: 20 }),
    ).toMatchObject({
      optimizer: 'adam',
      epochs: 0,
      learningRate: 0.01,
      batchSize: 20,
      l1: 0,
      l2: 0.003,
    });
  });

  it('builds a binary classification task with the chosen features and the train / test split', () => {
    const s = { ...base, dataset: 'spiral', trainPercent: 60, x1: false, sinX1: true, x2Squared: true };
    const task = buildPlaygroundTask(s, 3);
    expect(task.features).toEqual(['x2', 'x2Squared', 'sinX1']);
    expect(task.data).toMatchObject({ inputShape: [3], outputUnits: 1, loss: 'sigmoidCrossEntropy' });
    expect(task.data.train.count).toBe(300);
    expect(task.data.validation!.count).toBe(POINT_COUNT - 300);
    expect(task.train.label.length).toBe(300);
    const i = 5;
    expect(task.data.train.x[i * 3]).toBeCloseTo(task.train.x2[i], 6);
    expect(task.data.train.x[i * 3 + 1]).toBeCloseTo(task.train.x2[i] ** 2, 5);
    expect(task.data.train.x[i * 3 + 2]).toBeCloseTo(Math.sin(task.train.x1[i]), 6);
    expect(task.data.train.y[i]).toBe(task.train.label[i]);
    // Seeded: the same settings give the same points.
    expect(buildPlaygroundTask(s, 3).test.x1).toEqual(task.test.x1);
  });

  it("ticks lesson 5's spiral exercise only on the spiral below the lesson's test loss", () => {
    const check = lessonCheck('05-decision-boundaries.md', 'separate-spiral');
    const target = lessonBound('05-decision-boundaries.md', 'separate-spiral', 'valLoss', 'below');
    const figures = (settings: typeof base, valLoss: number | undefined) => ({ ...settings, ...CLASSIFIER_PLAYGROUND.figures?.(settings), valLoss });
    expect(checkMet(check, figures({ ...base, dataset: 'spiral' }, target * 0.5))).toBe(true);
    expect(checkMet(check, figures({ ...base, dataset: 'spiral' }, target))).toBe(false);
    expect(checkMet(check, figures({ ...base, dataset: 'circle' }, target * 0.1))).toBe(false);
    expect(checkMet(check, figures({ ...base, dataset: 'spiral' }, undefined))).toBe(false);
  });
});
