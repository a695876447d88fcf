import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { TrainingHandler } from '../../src/worker/TrainingHandler';
import type { TrainingClient } from '../../src/worker/TrainingClient';
import type { SessionEvent, WorkerMessage } from '../../src/worker/protocol';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { useCpu } from '../ml/helpers';
import { ALL_WASM_PARTS, installWasm, NO_WASM_PARTS, wasmPartsInUse } from '../../src/ml/wasm';
import { connect, testEnvironment } from './connect';

beforeAll(useCpu);

function waitFor(client: TrainingClient, predicate: (e: SessionEvent) => boolean): Promise<SessionEvent> {
  return new Promise((resolve) => {
    const off = client.onEvent((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('TrainingHandler + TrainingClient', () => {
  it('loads MNIST, trains to done, predicts, and frees every tensor on dispose', async () => {
    const { client } = connect();
    const baseline = tf.memory().numTensors;
    expect((await client.call('init', { backend: 'auto' })).name).toBe('cpu');
    const loaded = await client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 300 } });
    expect(loaded).toEqual({ trainCount: 300, validationCount: 2000, inputShape: [28, 28, 1], outputUnits: 10 });
    const { summary } = await client.call('configure', { spec: MNIST_PRESETS.mlp, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 1 } });
    expect(summary.totalParams).toBe(784 * 128 + 128 + 1290);
    const events: string[] = [];
    client.onEvent((e) => events.push(e.kind === 'state' ? `state:${e.state}` : e.kind));
    const done = waitFor(client, (e) => e.kind === 'state' && e.state === 'done');
    await client.call('train', {});
    await done;
    expect(events).toContain('step');
    expect(events).toContain('evaluate');
    const images = await client.call('validationImages', { limit: 3 });
    expect(images.pixels.length).toBe(3 * 784);
    const x = Float32Array.from(images.pixels, (p) => p / 255);
    const { values } = await client.call('predict', { x, count: 3 });
    expect(values.length).toBe(30);
    expect(values.slice(0, 10).reduce((a, b) => a + b)).toBeCloseTo(1, 4);
    await client.call('dispose', {});
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('answers bad requests with structured errors instead of crashing', async () => {
    const { client } = connect();
    await expect(client.call('predict', { x: new Float32Array(784), count: 1 })).rejects.toMatchObject({ code: 'noSession' });
    await expect(client.call('configure', { spec: MNIST_PRESETS.mlp, hyper: defaults(TRAINING_SCHEMA) })).rejects.toMatchObject({ code: 'noData' });
    await expect(client.call('load', { task: { kind: 'mnist', url: '/data/missing.bin' } })).rejects.toMatchObject({ code: 'data', message: expect.stringMatching(/404/) });
    await client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 100 } });
    await expect(client.call('configure', { spec: { layers: [{ type: 'dense', units: 8, activation: 'relu' }] }, hyper: defaults(TRAINING_SCHEMA) })).rejects.toThrow(/Flatten/);
    await client.call('configure', { spec: MNIST_PRESETS.linear, hyper: defaults(TRAINING_SCHEMA) });
    await expect(client.call('predict', { x: new Float32Array(5), count: 1 })).rejects.toMatchObject({ code: 'badRequest' });
    const checked = await client.call('setHyper', { values: { learningRate: 'fast', batchSize: 5000 } });
    expect(checked.messages).toHaveLength(2);
    expect(checked.hyper.batchSize).toBe(1024);
    // The pace is checked against PACE_SCHEMA: at most 120 steps/s, like the line fitter's speed control.
    expect(await client.call('setPace', { stepsPerSecond: 1000 })).toEqual({ stepsPerSecond: 120 });
    expect(await client.call('setPace', { stepsPerSecond: Number.NaN })).toEqual({ stepsPerSecond: 0 });
    expect(await client.call('setPace', { stepsPerSecond: 7.5 })).toEqual({ stepsPerSecond: 7.5 });
    await client.call('dispose', {});
  });

  it('tags the last reports of a reset run with the old run id, and the client drops old-run events that come late', async () => {
    const { client, posted, deliver } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 200 } });
    // Loading reported the digits' download, up to all of its bytes (the page's progress bar).
    const downloads = posted.flatMap((m) => (m.type === 'event' && m.event.kind === 'download' ? [m.event] : []));
    expect(downloads.length).toBeGreaterThan(1);
    expect(downloads.at(-1)!.received).toBe(downloads.at(-1)!.total);
    const { runId: oldRun } = await client.call('configure', { spec: MNIST_PRESETS.linear, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 0 } });
    // Listening from the start, so whatever the worker sends reaches this listener unless the client drops it.
    const seen: { event: SessionEvent; afterReset: boolean }[] = [];
    let afterReset = false;
    client.onEvent((event) => seen.push({ event, afterReset }));
    await client.call('train', {});
    await waitFor(client, (e) => e.kind === 'step');
    const { runId } = await client.call('reset', {});
    afterReset = true;
    expect(runId).toBeGreaterThan(oldRun);
    expect(client.runId).toBe(runId);
    // Everything the old run said, up to the reset's reply (pause's last flush, 'paused', 'idle'), carries its id.
    // (The digits' download reports come before any run: they are not the old run's.)
    const untilReset = posted.filter((m): m is Extract<WorkerMessage, { type: 'event' }> => m.type === 'event' && m.event.kind !== 'download');
    expect(untilReset.map((m) => m.event.kind)).toContain('state');
    expect(new Set(untilReset.map((m) => m.runId))).toEqual(new Set([oldRun]));
    const stepsOf = (run: number) => posted.filter((m): m is Extract<WorkerMessage, { type: 'event' }> => m.type === 'event' && m.runId === run && m.event.kind === 'step');
    const oldSteps = stepsOf(oldRun);
    expect(oldSteps.length).toBeGreaterThan(0);

    // An old-run report that arrives after the reset (still in flight when the reply came) is dropped:
    // a report of the new run delivered after it gets through, and it alone.
    deliver(oldSteps.at(-1)!);
    const marker: SessionEvent = { kind: 'state', state: 'idle' };
    const markerSeen = waitFor(client, (e) => e.kind === 'state');
    deliver({ type: 'event', runId, event: marker });
    await markerSeen;
    expect(seen.filter((s) => s.afterReset).map((s) => s.event)).toEqual([marker]);

    // The new run reports under its own id, counted from the reset: pause's last flush of the
    // old run was not tagged with the new id.
    await client.call('train', {});
    await waitFor(client, (e) => e.kind === 'step');
    await client.call('pause', {});
    const newSteps = stepsOf(runId);
    expect(newSteps.length).toBeGreaterThan(0);
    expect(newSteps[0].event).toMatchObject({ progress: { firstStep: 0 } });
    const delivered = seen.filter((s) => s.afterReset && s.event.kind === 'step').map((s) => s.event);
    expect(delivered).toEqual(newSteps.map((m) => m.event));
    await client.call('dispose', {});
  });

  it("puts in place the speed-ups the init request leaves on (all by default): every one off is tfjs's plain path", async () => {
    const { client } = connect();
    try {
      await client.call('init', { backend: 'auto', wasmParts: NO_WASM_PARTS });
      expect(wasmPartsInUse()).toEqual(NO_WASM_PARTS);
      await client.call('init', { backend: 'auto', wasmParts: { hostLoss: false } });
      // On cpu, of the parts left on, only Adam in JavaScript applies.
      expect(wasmPartsInUse()).toEqual({ ...NO_WASM_PARTS, hostAdam: true });
      await client.call('init', { backend: 'auto' });
      expect(wasmPartsInUse()).toEqual({ ...NO_WASM_PARTS, hostAdam: true, hostLoss: true });
    } finally {
      installWasm(ALL_WASM_PARTS);
      await client.call('dispose', {});
    }
  });

  it('reports a backend that will not start, and a context loss where there is no GPU, without hanging', async () => {
    const posted: WorkerMessage[] = [];
    const failing = new TrainingHandler((m) => posted.push(m), {
      ...testEnvironment,
      setupBackend: async () => {
        throw new Error('No backend could start: webgl: no WebGL 2; wasm: failed to compile');
      },
    });
    await failing.handle({ type: 'init', id: 1, backend: 'auto' });
    expect(posted[0]).toMatchObject({ type: 'reply', id: 1, ok: false, error: { code: 'backend', message: expect.stringMatching(/No backend could start/) } });
    await failing.handle({ type: 'simulateContextLoss', id: 2 });
    expect(posted[1]).toMatchObject({ id: 2, ok: true, result: { lost: false } });
    await failing.handle({ type: 'nonsense', id: 3 } as never);
    expect(posted[2]).toMatchObject({ id: 3, ok: false, error: { code: 'badRequest' } });
  });
});
