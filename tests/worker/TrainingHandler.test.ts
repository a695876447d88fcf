import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tf } from '../../src/ml/tf';
import { TrainingHandler } from '../../src/worker/TrainingHandler';
import { TrainingClient, type WorkerLike } from '../../src/worker/TrainingClient';
import type { SessionEvent, WorkerMessage } from '../../src/worker/protocol';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../src/ml/hyperparams';
import { ASSET_PATH, useCpu } from '../ml/helpers';

beforeAll(useCpu);

const env = {
  setupBackend: async () => {
    await useCpu();
    return { name: 'cpu' as const, reason: 'tests run on cpu', failed: [] };
  },
  fetch: (async (url: string) => (url.endsWith('mnist-10k.bin') ? new Response(readFileSync(ASSET_PATH)) : new Response('missing', { status: 404 }))) as unknown as typeof fetch,
};

/** Wires a client to a handler in the same thread, the way a Worker would, message by message. */
function connect(): { client: TrainingClient; posted: WorkerMessage[] } {
  const posted: WorkerMessage[] = [];
  const fake: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => void handler.handle(structuredClone(message) as never),
    terminate: () => undefined,
  };
  const handler = new TrainingHandler((message) => {
    posted.push(message);
    queueMicrotask(() => fake.onmessage?.({ data: structuredClone(message) } as MessageEvent));
  }, env);
  return { client: new TrainingClient(fake), posted };
}

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
    await client.call('dispose', {});
  });

  it('drops events from a run that was reset', async () => {
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: '/data/mnist-10k.bin', trainCount: 200 } });
    await client.call('configure', { spec: MNIST_PRESETS.linear, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 0 } });
    await client.call('train', {});
    await waitFor(client, (e) => e.kind === 'step');
    const { runId } = await client.call('reset', {});
    expect(client.runId).toBe(runId);
    const late: SessionEvent[] = [];
    client.onEvent((e) => late.push(e));
    await new Promise((r) => setTimeout(r, 50));
    // After the reset nothing trains until asked: no step from the old run gets through.
    expect(late.filter((e) => e.kind === 'step')).toEqual([]);
    await client.call('dispose', {});
  });

  it('reports a backend that will not start, and a context loss where there is no GPU, without hanging', async () => {
    const posted: WorkerMessage[] = [];
    const failing = new TrainingHandler((m) => posted.push(m), {
      ...env,
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
