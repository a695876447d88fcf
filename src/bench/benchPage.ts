// Exposes measurement functions for `npm run bench` (bench/run.ts drives them from Chromium).
// They run the same worker, protocol and session as the app.
import { TrainingClient } from '../worker/TrainingClient';
import { MNIST_PRESETS, type MnistPreset } from '../ml/modelSpec';
import { TRAINING_SCHEMA } from '../ml/hyperparams';
import { defaults } from '../ml/schema';
import type { BackendName } from '../worker/protocol';

export interface ThroughputResult {
  backend: string;
  requested: BackendName;
  model: MnistPreset;
  batchSize: number;
  examplesPerSecond: number;
  msPerStep: number;
  steps: number;
  error?: string;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

async function throughput(requested: BackendName, model: MnistPreset, batchSize: number, seconds: number, warmupSeconds: number): Promise<ThroughputResult> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', { backend: requested }, { timeoutMs: 120_000 });
    await client.call('load', { task: { kind: 'mnist', url: new URL('data/mnist-10k.bin', document.baseURI).href } });
    await client.call('configure', { spec: MNIST_PRESETS[model], hyper: { ...defaults(TRAINING_SCHEMA), batchSize, epochs: 0 }, tuning: { evaluationsPerEpoch: 1 } });
    const rates: number[] = [];
    const times: number[] = [];
    let steps = 0;
    let measuring = false;
    client.onEvent((e) => {
      if (e.kind === 'step' && measuring) {
        rates.push(e.progress.examplesPerSecond);
        times.push(e.progress.msPerStep);
        steps += e.progress.losses.length;
      }
    });
    await client.call('train', {});
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    measuring = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await client.call('pause', {});
    return { backend: info.name, requested, model, batchSize, examplesPerSecond: median(rates), msPerStep: median(times), steps };
  } catch (error) {
    return { backend: 'none', requested, model, batchSize, examplesPerSecond: NaN, msPerStep: NaN, steps: 0, error: error instanceof Error ? error.message : String(error) };
  } finally {
    client.terminate();
  }
}

async function autoBackend(): Promise<{ name: string; reason: string; renderer?: string }> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', { backend: 'auto' }, { timeoutMs: 120_000 });
    return { name: info.name, reason: info.reason, renderer: info.renderer };
  } finally {
    client.terminate();
  }
}

Object.assign(window, { gradientLabBench: { throughput, autoBackend } });
