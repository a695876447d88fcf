import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/ml/tf';
import { decodeMnist, gatherDigits, gunzip, stratifiedSplit, type MnistData } from '../../src/ml/mnist';
import type { TrainingData } from '../../src/ml/trainingTypes';
import { registerConvFilterGradient } from '../../src/ml/wasmConvGradient';

export const ASSET_PATH = fileURLToPath(new URL('../../public/data/mnist-10k.bin', import.meta.url));

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend did not start');
}

/** Switches tfjs to the wasm backend with the app's own gradients and kernels, as the worker does. */
export async function useWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
  registerConvFilterGradient();
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
