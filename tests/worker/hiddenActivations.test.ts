// The worker calls lessons 4 and 5 use: toy arrays in, `hiddenActivations` for the curve fitter's
// "show hidden units", and the throttled evaluations from `evaluationIntervalMs`.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import type { SessionEvent } from '../../src/worker/protocol';
import {
  buildCurveTask,
  curveFitterSettings,
  curveHyper,
  curveModelSpec,
  generatedPoints,
  linspace,
} from '../../src/ml/curveFitting';
import { manualClock, until, useCpu } from '../ml/helpers';
import { connect } from './connect';

beforeAll(useCpu);

describe('hiddenActivations through the worker protocol', () => {
  it("returns the last hidden layer's outputs and output weights matching predict, and frees everything", async () => {
    // The sessions' clock stands still unless the test moves it.
    const clock = manualClock();
    const { client } = connect({ now: clock.now });
    const baseline = tf.memory().numTensors;
    await client.call('init', { backend: 'cpu' });
    const { settings } = curveFitterSettings({ hiddenLayers: 1, units: 6 });
    const task = buildCurveTask(generatedPoints(settings, 7), 0.25, 11);
    await client.call('load', { task: { kind: 'arrays', data: task.data } });
    await client.call('configure', {
      spec: curveModelSpec(settings),
      hyper: curveHyper(settings),
      tuning: { evaluateTrainingSet: true, evaluationsPerEpoch: 1, evaluationIntervalMs: 100 },
    });
    const evaluations: number[] = [];
    let reported = { step: 0, epoch: 0 };
    client.onEvent((e: SessionEvent) => {
      if (e.kind === 'evaluate') evaluations.push(e.evaluation.step);
      if (e.kind === 'step') reported = e.progress;
    });
    const trainOn = async (epochs: number) => {
      const from = reported.epoch;
      await until(() => reported.epoch >= from + epochs, `${epochs} more epochs reported`);
    };
    await client.call('train', {});
    // One evaluation an epoch is asked for, but at most one per 100 ms of the clock: with the clock
    // still, only the first (never held back) comes, however many epochs pass.
    await trainOn(50);
    expect(evaluations).toHaveLength(1);
    clock.advance(100);
    await until(() => evaluations.length === 2, 'the evaluation due after 100 ms');
    await trainOn(20);
    expect(evaluations).toHaveLength(2);
    await client.call('pause', {});
    expect(evaluations).toHaveLength(3); // the one on pause

    const grid = linspace(-1, 1, 50);
    const hidden = await client.call('hiddenActivations', { x: grid.slice(), count: 50 });
    const { values } = await client.call('predict', { x: grid.slice(), count: 50 });
    expect(hidden).not.toBeNull();
    expect(hidden!.units).toBe(6);
    expect(hidden!.values).toHaveLength(300);
    for (let i = 0; i < 50; i++) {
      let sum = hidden!.outputBias[0];
      for (let j = 0; j < 6; j++) sum += Math.max(0, hidden!.values[i * 6 + j]) * hidden!.outputKernel[j];
      expect(sum).toBeCloseTo(values[i], 4);
    }
    await expect(client.call('hiddenActivations', { x: new Float32Array(3), count: 2 })).rejects.toThrow(/wrong size/);

    await client.call('configure', { spec: { layers: [] }, hyper: curveHyper(settings) });
    expect(await client.call('hiddenActivations', { x: grid.slice(), count: 50 })).toBeNull();
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
