import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/ml/tf';
import { decodeMnist, gunzip, type MnistData } from '../../src/ml/mnist';

export const ASSET_PATH = fileURLToPath(new URL('../../public/data/mnist-10k.bin', import.meta.url));

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend did not start');
}

let cached: MnistData | null = null;
export async function loadAssetFromDisk(): Promise<MnistData> {
  cached ??= decodeMnist(await gunzip(new Uint8Array(readFileSync(ASSET_PATH))));
  return cached;
}
