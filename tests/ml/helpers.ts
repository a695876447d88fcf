import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/ml/tf';
import { decodeMnist, gatherDigits, gunzip, stratifiedSplit, type MnistData } from '../../src/ml/mnist';
import type { TrainingData, ValidationEvaluator } from '../../src/ml/trainingTypes';
import type { TrainingSession } from '../../src/ml/TrainingSession';
import type { ModelSpec } from '../../src/ml/modelSpec';
import { buildModel } from '../../src/ml/models';
import { evaluateSet } from '../../src/ml/evaluation';
import { installWasm, registerTrainingKernels } from '../../src/ml/wasm';

export const ASSET_PATH = fileURLToPath(new URL('../../public/data/mnist-10k.bin', import.meta.url));

/**
 * Switches tfjs to the cpu backend with the speed-ups asked for last (all, unless a test asked
 * for others with installWasm), as the worker does.
 */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend did not start');
  installWasm();
}

/** Switches tfjs to the wasm backend with what training needs and the speed-ups asked for last, as the worker does. */
export async function useWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
  registerTrainingKernels();
  installWasm();
}

let cached: MnistData | null = null;
export async function loadAssetFromDisk(): Promise<MnistData> {
  cached ??= decodeMnist(await gunzip(new Uint8Array(readFileSync(ASSET_PATH))));
  return cached;
}

/** A digits task on the first `trainCount` training and `valCount` validation digits of the app's split (seed 3). */
export async function digitsTask(trainCount: number, valCount = 64): Promise<TrainingData> {
  const data = await loadAssetFromDisk();
  const split = stratifiedSplit(data.labels, 2000, 3);
  return {
    inputShape: [28, 28, 1],
    outputUnits: 10,
    loss: 'softmaxCrossEntropy',
    train: { ...gatherDigits(data, split.train.subarray(0, trainCount)), count: trainCount },
    validation: { ...gatherDigits(data, split.validation.subarray(0, valCount)), count: valCount },
  };
}

/**
 * An evaluator standing in for the evaluation worker: its own model, given the weights it is sent,
 * evaluated with the same code. It answers only once the session has trained `lag` more steps, as
 * a worker on another core would while training goes on.
 */
export function laggingEvaluator(spec: ModelSpec, data: TrainingData, session: () => TrainingSession, lag: number) {
  const model = buildModel(spec, data.inputShape, data.outputUnits);
  const calls: { atStep: number; answeredAt?: number }[] = [];
  let released = false;
  const evaluator: ValidationEvaluator = {
    async evaluate(weights, withPredictions) {
      const call: { atStep: number; answeredAt?: number } = { atStep: session().step };
      calls.push(call);
      tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[]))));
      const result = await evaluateSet(model, data, data.validation!, withPredictions);
      // Wait for training to go on (or to stop: the run's end waits for this answer).
      while (session().step < call.atStep + lag && session().state === 'running' && !session().epochsDone) await new Promise((r) => setTimeout(r, 0));
      call.answeredAt = session().step;
      return { ...result, durationMs: 1 };
    },
    release: () => void (released = true),
  };
  return { evaluator, calls, dispose: () => model.dispose(), released: () => released };
}

/** A clock for a session (SessionOptions.now) that stands still until the test moves it. */
export function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/**
 * Resolves once `condition` holds, looking again after each timer turn (a training loop yields to
 * the event loop between steps, so it trains on in between). The deadline only turns a hang into
 * a message; nothing is measured against it.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
