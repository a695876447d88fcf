// Exposes measurement functions for `npm run bench` (bench/run.ts drives them from Chromium).
// They run the same worker, protocol and session as the app.
import { TrainingClient } from '../worker/TrainingClient';
import { MNIST_PRESETS, type MnistPreset } from '../ml/modelSpec';
import { TRAINING_SCHEMA } from '../ml/hyperparams';
import { defaults } from '../ml/schema';
import { DIGITS_TUNING } from '../ml/mnist';
import type { BackendChoice, BackendName } from '../worker/protocol';
import type { WasmParts } from '../ml/wasm/parts';

export interface ThroughputResult {
  backend: string;
  threads?: number;
  /** wasm: which of Gradient Lab's speed-ups ran (all false: tfjs's own kernels). */
  wasmParts?: WasmParts;
  requested: BackendName;
  model: MnistPreset;
  batchSize: number;
  examplesPerSecond: number;
  /** Examples per second in each measuring window. */
  rates: number[];
  msPerStep: number;
  steps: number;
  error?: string;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

/**
 * Training throughput of a preset at a batch size on one backend (wasm with `threads` threads and
 * the speed-ups `wasmParts` leaves on, all by default):
 * after a warm-up, `windows` windows of `seconds` each, as examples per second per window.
 */
async function throughput(requested: BackendName, model: MnistPreset, batchSize: number, seconds: number, warmupSeconds: number, threads?: number, windows = 3, wasmParts: Partial<WasmParts> = {}): Promise<ThroughputResult> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', { backend: requested, threads, wasmParts }, { timeoutMs: 120_000 });
    await client.call('load', { task: { kind: 'mnist', url: new URL('data/mnist-10k.bin', document.baseURI).href } });
    // Training alone: evaluations in line, once an epoch (an evaluation worker would compete for the cores).
    await client.call('configure', { spec: MNIST_PRESETS[model], hyper: { ...defaults(TRAINING_SCHEMA), batchSize, epochs: 0 }, tuning: { evaluationsPerEpoch: 1, inLineEvaluation: true } });
    let examples = 0;
    let steps = 0;
    let stepMs = 0;
    client.onEvent((e) => {
      if (e.kind === 'step') {
        steps += e.progress.losses.length;
        examples += e.progress.losses.length * batchSize;
        stepMs += e.progress.losses.length * e.progress.msPerStep;
      }
    });
    await client.call('train', {});
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    const rates: number[] = [];
    const times: number[] = [];
    for (let w = 0; w < windows; w++) {
      // Wall-clock windows, evaluations included: what the learner gets, not only the step time.
      const start = { examples, steps, stepMs, at: performance.now() };
      await new Promise((r) => setTimeout(r, seconds * 1000));
      // Slow backends (WebGL drawn in software) may not report within the window: wait for a few steps.
      for (let waited = 0; steps - start.steps < 3 && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
      rates.push(((examples - start.examples) / (performance.now() - start.at)) * 1000);
      times.push((stepMs - start.stepMs) / Math.max(1, steps - start.steps));
    }
    await client.call('pause', {});
    return { backend: info.name, threads: info.threads, wasmParts: info.wasmParts, requested, model, batchSize, examplesPerSecond: median(rates), rates, msPerStep: median(times), steps };
  } catch (error) {
    return { backend: 'none', requested, model, batchSize, examplesPerSecond: NaN, rates: [], msPerStep: NaN, steps: 0, error: error instanceof Error ? error.message : String(error) };
  } finally {
    client.terminate();
  }
}

export interface RecipeRun {
  backend: string;
  threads: number;
  /** wasm: which of Gradient Lab's speed-ups ran. */
  wasmParts?: WasmParts;
  /** Epochs (fractional) at the first evaluation at or above 97 %, null if none. */
  epochsTo97: number | null;
  /** Seconds from the train request to that evaluation. */
  secondsTo97: number | null;
  /** Validation accuracy at the end of each epoch. */
  perEpoch: number[];
  best: number;
  /** From the train request to the first step (worker side). */
  msToFirstStep: number | null;
  /** From the train request to the first step's report arriving in the page. */
  msToFirstReport: number | null;
  /** Share of the run's wall time training waited for evaluation passes. */
  evaluationShare: number;
  /** Share of the run's wall time the evaluation worker spent on passes while training went on (0 in line). */
  offThreadShare: number;
  evaluations: number;
  /** Every evaluation: [epoch, validation accuracy, seconds after the train request]. */
  trace: [number, number, number][];
  seconds: number;
  /** The median of the speeds the worker reported (examples per wall-clock second, what the trainer shows). */
  reportedExamplesPerSecond: number;
}

/**
 * Lesson 1's training with its defaults (changed by `overrides`) on the automatic backend, run to
 * the end: when 97 % was first reached, accuracy per epoch, the time to the first step and the
 * share of time evaluations took. `tuning` is the digit widgets' by default.
 */
async function recipeRun(overrides: Record<string, unknown>, seed: number, tuning: Record<string, unknown> = { ...DIGITS_TUNING, reportPredictions: true }, on: { backend: BackendChoice; threads?: number } = { backend: 'auto' }): Promise<RecipeRun> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', on, { timeoutMs: 120_000 });
    await client.call('load', { task: { kind: 'mnist', url: new URL('data/mnist-10k.bin', document.baseURI).href } });
    await client.call('configure', { spec: MNIST_PRESETS.cnn, hyper: { ...defaults(TRAINING_SCHEMA), ...overrides }, tuning: { ...tuning, seed } });
    let msToFirstStep: number | null = null;
    let msToFirstReport: number | null = null;
    let epochsTo97: number | null = null;
    let secondsTo97: number | null = null;
    let evaluating = 0;
    let offThread = 0;
    let evaluations = 0;
    let best = 0;
    const perEpoch: number[] = [];
    const trace: [number, number, number][] = [];
    const reported: number[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const start = performance.now();
    client.onEvent((e) => {
      if (e.kind === 'step' && msToFirstReport === null) msToFirstReport = performance.now() - start;
      // The first report's window opens at the train request (set-up included), as on screen.
      if (e.kind === 'step' && e.progress.examplesPerSecond > 0) reported.push(e.progress.examplesPerSecond);
      if (e.kind === 'step' && e.progress.msToFirstStep !== undefined && msToFirstStep === null) msToFirstStep = e.progress.msToFirstStep;
      if (e.kind === 'evaluate') {
        const acc = e.evaluation.valAccuracy ?? 0;
        evaluating += e.evaluation.durationMs ?? 0;
        offThread += e.evaluation.offThreadMs ?? 0;
        evaluations++;
        trace.push([Math.round(e.evaluation.epoch * 1000) / 1000, acc, Math.round(performance.now() - start) / 1000]);
        best = Math.max(best, acc);
        if (e.evaluation.endOfEpoch) perEpoch.push(acc);
        if (acc >= 0.97 && epochsTo97 === null) {
          epochsTo97 = e.evaluation.epoch;
          secondsTo97 = (performance.now() - start) / 1000;
        }
      }
      if (e.kind === 'state' && (e.state === 'done' || e.state === 'diverged')) done();
    });
    await client.call('train', {});
    await finished;
    const seconds = (performance.now() - start) / 1000;
    return { backend: info.name, threads: info.threads, wasmParts: info.wasmParts, epochsTo97, secondsTo97, perEpoch, best, msToFirstStep, msToFirstReport, evaluationShare: evaluating / 1000 / seconds, offThreadShare: offThread / 1000 / seconds, evaluations, trace, seconds, reportedExamplesPerSecond: median(reported) };
  } finally {
    client.terminate();
  }
}

async function startTraining(model: MnistPreset): Promise<TrainingClient> {
  const client = new TrainingClient();
  await client.call('init', { backend: 'auto' }, { timeoutMs: 120_000 });
  await client.call('load', { task: { kind: 'mnist', url: new URL('data/mnist-10k.bin', document.baseURI).href } });
  await client.call('configure', { spec: MNIST_PRESETS[model], hyper: { ...defaults(TRAINING_SCHEMA), epochs: 0 }, tuning: { evaluationsPerEpoch: 1, inLineEvaluation: true } });
  await client.call('train', {});
  return client;
}

/** Throughput with the health view's measurements off and on, alternating windows to cancel drift. */
async function healthCost(model: MnistPreset, windowSeconds: number, rounds: number): Promise<{ off: number; on: number; costPercent: number }> {
  const client = await startTraining(model);
  try {
    let current: number[] = [];
    client.onEvent((e) => {
      if (e.kind === 'step') current.push(e.progress.examplesPerSecond);
    });
    await new Promise((r) => setTimeout(r, 2000));
    const off: number[] = [];
    const on: number[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const state of [false, true]) {
        await client.call('setHealth', { on: state });
        // Poll memory once a second, as the health panel does.
        const poll = state ? setInterval(() => void client.call('memory', {}), 1000) : null;
        await new Promise((r) => setTimeout(r, 500));
        current = [];
        await new Promise((r) => setTimeout(r, windowSeconds * 1000));
        if (poll) clearInterval(poll);
        (state ? on : off).push(median(current));
      }
    }
    const offRate = median(off);
    const onRate = median(on);
    return { off: offRate, on: onRate, costPercent: ((offRate - onRate) / offRate) * 100 };
  } finally {
    client.terminate();
  }
}

/** From a learning-rate change sent while training to the step that first uses it. */
async function liveChangeLatency(model: MnistPreset, trials: number): Promise<{ ms: number[]; stepsLate: number[] }> {
  const client = await startTraining(model);
  try {
    let change: { step: number; at: number } | null = null;
    client.onEvent((e) => {
      if (e.kind === 'hyperChange') change = { step: e.change.step, at: performance.now() };
    });
    await new Promise((r) => setTimeout(r, 2000));
    const ms: number[] = [];
    const stepsLate: number[] = [];
    for (let i = 0; i < trials; i++) {
      change = null;
      const sent = performance.now();
      const reply = await client.call('setHyper', { values: { learningRate: i % 2 ? 0.005 : 0.004 } });
      // The step count when the worker took the request: the change must apply at that very step.
      const sentAtStep = reply.step;
      while (!change) await new Promise((r) => setTimeout(r, 5));
      const c = change as { step: number; at: number };
      ms.push(c.at - sent);
      // Steps trained after the request arrived but before the change applied (0 = the very next step).
      stepsLate.push(Math.max(0, c.step - sentAtStep));
      await new Promise((r) => setTimeout(r, 500));
    }
    return { ms, stepsLate };
  } finally {
    client.terminate();
  }
}

/** numTensors in the worker after init, and after each of `cycles` train / pause / dispose cycles on `backend`. */
async function memoryCycles(backend: BackendName, cycles: number, trainMs: number): Promise<{ backend: string; baseline: number; after: number[]; error?: string }> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', { backend }, { timeoutMs: 120_000 });
    await client.call('load', { task: { kind: 'mnist', url: new URL('data/mnist-10k.bin', document.baseURI).href } });
    const baseline = (await client.call('memory', {})).numTensors;
    const after: number[] = [];
    for (let i = 0; i < cycles; i++) {
      await client.call('configure', { spec: MNIST_PRESETS.cnn, hyper: { ...defaults(TRAINING_SCHEMA), epochs: 0 }, tuning: DIGITS_TUNING });
      await client.call('train', {});
      await new Promise((r) => setTimeout(r, trainMs));
      await client.call('pause', {});
      after.push((await client.call('dispose', {})).numTensors);
    }
    return { backend: info.name, baseline, after };
  } catch (error) {
    return { backend: 'none', baseline: NaN, after: [], error: error instanceof Error ? error.message : String(error) };
  } finally {
    client.terminate();
  }
}

async function autoBackend(): Promise<{ name: string; reason: string; renderer?: string; threads: number; measured?: { backend: string; ms: number }[] }> {
  const client = new TrainingClient();
  try {
    const info = await client.call('init', { backend: 'auto' }, { timeoutMs: 120_000 });
    return { name: info.name, reason: info.reason, renderer: info.renderer, threads: info.threads, measured: info.measured };
  } finally {
    client.terminate();
  }
}

Object.assign(window, { gradientLabBench: { throughput, recipeRun, memoryCycles, autoBackend, healthCost, liveChangeLatency } });
