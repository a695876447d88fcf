import { checkMet } from '../../src/shared/exerciseCheck';
import { lessonBound, lessonCheck } from '../lessonExercises';
import { describe, expect, it } from 'vitest';
import {
  CURVE_FITTER_SCHEMA,
  DATA_KEYS,
  IDENTITY_SCALING,
  LIVE_KEYS,
  MODEL_KEYS,
  buildCurveTask,
  curveFitterSettings,
  curveHyper,
  curveModelSpec,
  fitScaling,
  fromModelY,
  generatedPoints,
  hiddenUnitTotal,
  linspace,
  plotXRange,
  CURVE_FITTER,
  toModelX,
  toModelY,
  unitContributions,
} from '../../src/ml/curveFitting';
import { defaults } from '../../src/ml/schema';

const base = defaults(CURVE_FITTER_SCHEMA);

describe('curve fitter settings', () => {
  it('checks lesson props against the schema, clamping and reporting bad values', () => {
    const { settings, messages } = curveFitterSettings({
      hiddenLayers: 9,
      units: '8',
      activation: 'swish',
      colour: 'red',
    });
    expect(settings.hiddenLayers).toBe(4);
    expect(settings.units).toBe(8);
    expect(settings.activation).toBe('relu');
    expect(settings.dataset).toBe('sine');
    expect(messages).toHaveLength(3);
    expect(messages.join(' ')).toMatch(/Hidden layers must be from 0 to 4/);
    expect(messages.join(' ')).toMatch(/Unknown setting "colour"/);
  });

  it('sorts every setting into exactly one kind of change (except the display-only one)', () => {
    const all = [...DATA_KEYS, ...MODEL_KEYS, ...LIVE_KEYS];
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(CURVE_FITTER_SCHEMA).filter((k) => !all.includes(k as never))).toEqual(['showHidden']);
  });

  it('builds the hidden layers, counts units and sets Adam until paused', () => {
    const s = { ...base, hiddenLayers: 3, units: 5, activation: 'tanh' as const };
    expect(curveModelSpec(s)).toEqual({
      layers: [1, 2, 3].map(() => ({ type: 'dense', units: 5, activation: 'tanh' })),
    });
    expect(curveModelSpec({ ...s, hiddenLayers: 0 })).toEqual({ layers: [] });
    expect(hiddenUnitTotal(s)).toBe(15);
    expect(curveHyper({ learningRate: 0.02, batchSize: 8 })).toMatchObject({
      optimizer: 'adam',
      epochs: 0,
      learningRate: 0.02,
      batchSize: 8,
      l1: 0,
      l2: 0,
    });
  });

  it("ticks lesson 4's sine exercise only on the sine, with 1–8 hidden units, below the lesson's loss", () => {
    const check = lessonCheck('04-neural-network-curves.md', 'small-sine');
    const target = lessonBound('04-neural-network-curves.md', 'small-sine', 'valLoss', 'below');
    const met = (settings: typeof base, valLoss: number | undefined) => checkMet(check, { ...settings, ...CURVE_FITTER.figures?.(settings), valLoss });
    const small = { ...base, dataset: 'sine', hiddenLayers: 2, units: 4 } as typeof base;
    expect(CURVE_FITTER.figures?.(small)).toEqual({ hiddenUnits: 8 });
    expect(met(small, target * 0.75)).toBe(true);
    expect(met(small, target)).toBe(false);
    expect(met(small, undefined)).toBe(false);
    expect(met(small, NaN)).toBe(false);
    expect(met({ ...small, units: 5 }, target * 0.75)).toBe(false); // 10 units
    expect(met({ ...small, hiddenLayers: 0 }, target * 0.75)).toBe(false);
    expect(met({ ...small, dataset: 'step' }, target * 0.75)).toBe(false);
  });
});

describe('curve data', () => {
  it('maps each axis of the points onto [-1, 1] and back', () => {
    const points = { x: Float32Array.from([10, 20, 30]), y: Float32Array.from([-500, 0, 1500]) };
    const s = fitScaling(points);
    expect([...points.x].map((x) => toModelX(s, x))).toEqual([-1, 0, 1]);
    expect([...points.y].map((y) => toModelY(s, y))).toEqual([-1, -0.5, 1]);
    expect(fromModelY(s, toModelY(s, 1234))).toBeCloseTo(1234, 9);
    // A constant column is only centred.
    const flat = fitScaling({ x: Float32Array.from([2, 2]), y: Float32Array.from([3, 3]) });
    expect(flat).toEqual({ xOffset: 2, xScale: 1, yOffset: 3, yScale: 1 });
  });

  it('splits into a regression task in model units, keeping the split in data units for drawing', () => {
    const points = {
      x: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
      y: Float32Array.from([0, 10, 20, 30, 40, 50, 60, 70]),
    };
    const task = buildCurveTask(points, 0.25, 1, fitScaling(points));
    expect(task.data).toMatchObject({ inputShape: [1], outputUnits: 1, loss: 'meanSquaredError' });
    expect(task.data.train.count).toBe(6);
    expect(task.data.validation!.count).toBe(2);
    expect(task.train.x.length + task.validation.x.length).toBe(8);
    for (let i = 0; i < 6; i++) {
      expect(task.data.train.x[i]).toBeCloseTo((task.train.x[i] - 3.5) / 3.5, 6);
      expect(task.data.train.y[i]).toBeCloseTo(task.data.train.x[i], 6); // y = 10x maps onto the same line
    }
  });

  it('always holds back at least one point, even for two points', () => {
    const two = { x: Float32Array.from([0, 1]), y: Float32Array.from([0, 1]) };
    const task = buildCurveTask(two, 0.1, 1);
    expect(task.data.train.count).toBe(1);
    expect(task.data.validation!.count).toBe(1);
    expect(task.scaling).toBe(IDENTITY_SCALING);
  });

  it('generates the same built-in curve for the same settings and refuses "custom"', () => {
    const a = generatedPoints({ dataset: 'sine', points: 50, noise: 0.1 }, 7);
    const b = generatedPoints({ dataset: 'sine', points: 50, noise: 0.1 }, 7);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(() => generatedPoints({ dataset: 'custom', points: 50, noise: 0 }, 7)).toThrow(/not a built-in curve/);
  });

  it('makes an even grid and a plot range a little wider than the data', () => {
    expect([...linspace(-1, 1, 5)]).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(() => linspace(0, 1, 1)).toThrow();
    const range = plotXRange([
      { x: Float32Array.from([-1, 0]), y: new Float32Array(2) },
      { x: Float32Array.from([1]), y: new Float32Array(1) },
    ]);
    expect(range[0]).toBeCloseTo(-1.2, 6);
    expect(range[1]).toBeCloseTo(1.2, 6);
  });

  it("turns hidden activations into each unit's share of the output, which add up to the curve", () => {
    // 2 grid points, 3 units; output = h · [1, -2, 0.5] + 0.25, then scaled back by y × 10 + 5.
    const hidden = {
      values: Float32Array.from([1, 0, 2, 0.5, 1, 0]),
      units: 3,
      outputKernel: Float32Array.from([1, -2, 0.5]),
      outputBias: Float32Array.from([0.25]),
    };
    const s = { xOffset: 0, xScale: 1, yOffset: 5, yScale: 10 };
    const { contributions, offset } = unitContributions(hidden, 2, s);
    expect(contributions.map((c) => [...c])).toEqual([
      [10, 5],
      [-0, -20],
      [10, 0],
    ]);
    expect(offset).toBe(7.5);
    for (let i = 0; i < 2; i++) {
      const model = hidden.values[i * 3] * 1 + hidden.values[i * 3 + 1] * -2 + hidden.values[i * 3 + 2] * 0.5 + 0.25;
      expect(contributions.reduce((sum, c) => sum + c[i], offset)).toBeCloseTo(fromModelY(s, model), 5);
    }
    expect(() => unitContributions(hidden, 3, s)).toThrow(/do not match/);
  });
});
