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
import { useCpu } from '../ml/helpers';
import { connect } from './connect';

beforeAll(useCpu);

describe('hiddenActivations through the worker protocol', () => {
  it("returns the last hidden layer's outputs and output weights matching predict, and frees everything", async () => {
    const { client } = connect();
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
    client.onEvent((e: SessionEvent) => {
      if (e.kind === 'evaluate') evaluations.push(e.evaluation.step);
    });
    await client.call('train', {});
    await new Promise((r) => setTimeout(r, 600));
    await client.call('pause', {});
    // ~600 ms at one evaluation per 100 ms (plus the one on pause), though hundreds of epochs ran.
    expect(evaluations.length).toBeGreaterThanOrEqual(2);
    expect(evaluations.length).toBeLessThanOrEqual(9);

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
