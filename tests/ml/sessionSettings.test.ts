import { describe, expect, it } from 'vitest';
import { SessionSettings } from '../../src/ml/sessionSettings';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { defaults } from '../../src/ml/schema';

describe('SessionSettings: the worker side’s one copy of the training settings', () => {
  it('checks what it is built from: defaults for missing keys, clamped numbers, unknown keys dropped', () => {
    const s = new SessionSettings({ learningRate: 0.1, epochs: 150, optimizer: 'lion', colour: 'red' }, 1000);
    expect(s.current).toEqual({ ...defaults(TRAINING_SCHEMA), learningRate: 0.1, epochs: 100, optimizer: 'adam' });
    expect(s.stepsPerSecond).toBe(120);
  });

  it('queues checked changes; the settings in force change only when they are applied', () => {
    const s = new SessionSettings(defaults(TRAINING_SCHEMA));
    expect(s.queue({ learningRate: 20, batchSize: 64 })).toEqual(['Learning rate must be from 0.000001 to 10; 20 was changed to 10.']);
    expect(s.current.learningRate).toBe(0.005);
    expect(s.requested).toMatchObject({ learningRate: 10, batchSize: 64 });
    // batchSize was already 64: only the learning rate is a change.
    expect(s.applyQueued()).toEqual({ learningRate: 10 });
    expect(s.current.learningRate).toBe(10);
    expect(s.applyQueued()).toBeNull();
    s.queue({ epochs: 3 });
    expect(s.applyQueued()).toBeNull(); // queued, but no different from what was in force
  });

  it('gives the schedule’s learning rate at a step', () => {
    const s = new SessionSettings({ ...defaults(TRAINING_SCHEMA), learningRate: 0.1, schedule: 'stepDecay' });
    expect([0, 99, 100, 250].map((step) => s.learningRateAt(step, 100))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('checks the pace: 0 = full speed, at most 120 steps a second, anything else back to 0', () => {
    const s = new SessionSettings({});
    for (const [raw, pace] of [
      [20, 20],
      [0.5, 0.5],
      [1000, 120],
      [-3, 0],
      [Number.NaN, 0],
      [Infinity, 0],
    ]) {
      s.stepsPerSecond = raw;
      expect(s.stepsPerSecond).toBe(pace);
    }
  });
});
