// Starts the built app (vite preview of dist/) and a real headless Chromium with WebGL on
// SwiftShader. Shared by the end-to-end tests and the benchmark.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs } from './chromium';
import { decodeMnist, gunzip, stratifiedSplit } from '../../src/ml/mnist';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface App {
  baseUrl: string;
  browser: BrowserContext;
  close(): Promise<void>;
}

/**
 * `serviceWorkers: 'block'` (the default) keeps the app's offline cache out of the way, so tests
 * can intercept and break its requests (a service worker's fetches bypass Playwright's routing);
 * the offline test allows it. `webgpu` turns WebGPU on where Chromium has it off (the benchmark).
 */
export async function startApp(options: { serviceWorkers?: 'allow' | 'block'; webgpu?: boolean; extraArgs?: string[] } = {}): Promise<App> {
  const { baseUrl, close: closeServer } = await startPreview();
  const userDataDir = mkdtempSync(join(tmpdir(), 'gradient-lab-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    serviceWorkers: options.serviceWorkers ?? 'block',
    args: [...chromiumArgs({ webgpu: options.webgpu }), ...(options.extraArgs ?? [])],
  });
  return {
    baseUrl,
    browser,
    async close() {
      await browser.close();
      await closeServer();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Serves the build (dist/) with `vite preview` on a free port, with the app's real headers. */
export async function startPreview(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `vite build` first (npm test does).');
  const server: PreviewServer = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}

/** Records every request the page makes to an origin other than the app's own. */
export function watchForeignRequests(page: Page, baseUrl: string): string[] {
  const own = new URL(baseUrl).origin;
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== own) foreign.push(url);
  });
  return foreign;
}

// The page-side scripts are strings, not functions: tsx (the bench) adds helper calls to
// compiled functions that do not exist inside the page.
const FRAME_MONITOR = `(() => {
  const state = { count: 0, gaps: [] };
  window.__frames = state;
  let last = 0;
  const tick = (now) => {
    if (window.__frames !== state) return; // a newer monitor took over
    if (last) { state.gaps.push(now - last); state.count++; }
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

const FRAME_REPORT = `(() => {
  const gaps = window.__frames.gaps.slice().sort((a, b) => a - b);
  return { max: gaps.at(-1) ?? 0, count: window.__frames.count, p99: gaps[Math.floor(gaps.length * 0.99)] ?? 0 };
})()`;

/** Starts measuring the gaps between animation frames on the page's main thread. */
export async function startFrameMonitor(page: Page): Promise<void> {
  await page.evaluate(FRAME_MONITOR);
}

export async function readFrameMonitor(page: Page): Promise<{ max: number; count: number; p99: number }> {
  return (await page.evaluate(FRAME_REPORT)) as { max: number; count: number; p99: number };
}

export type { Browser, Page };

/** Whether the lesson's checklist shows an exercise as done (widgets tick them themselves). */
export function exerciseDone(page: Page, id: string): Promise<boolean> {
  return page.locator(`li[data-exercise="${id}"] input[type="checkbox"]`).isChecked();
}

/** The mean squared error the line fitter's live region shows (lessons 2 and 3). */
export async function shownLineLoss(page: Page): Promise<number> {
  const text = (await page.getByTestId('line-status').textContent()) ?? '';
  const match = /Mean squared error: ([\d.e+-]+)/.exec(text);
  return match ? Number(match[1]) : NaN;
}

/** The validation digits in the order the app's gallery uses (same split, same seed). */
export async function validationDigits(): Promise<{ pixels: Uint8Array; labels: Uint8Array; order: Int32Array }> {
  const data = decodeMnist(await gunzip(new Uint8Array(readFileSync('public/data/mnist-10k.bin'))));
  return { pixels: data.pixels, labels: data.labels, order: stratifiedSplit(data.labels, 2000, 1234).validation };
}

/**
 * The strokes that trace a 28×28 digit on a pad `size` CSS pixels wide: one stroke per run of ink
 * in each row, from the first inked cell's centre to the last's, relative to the pad's top-left.
 */
export function digitStrokes(digit: Uint8Array, size: number): Array<[{ x: number; y: number }, { x: number; y: number }]> {
  const cell = size / 28;
  const strokes: Array<[{ x: number; y: number }, { x: number; y: number }]> = [];
  for (let row = 0; row < 28; row++) {
    let col = 0;
    while (col < 28) {
      while (col < 28 && digit[row * 28 + col] < 128) col++;
      if (col >= 28) break;
      const start = col;
      while (col < 28 && digit[row * 28 + col] >= 128) col++;
      const y = (row + 0.5) * cell;
      strokes.push([{ x: (start + 0.5) * cell, y }, { x: (col - 0.5) * cell + 0.5, y }]);
    }
  }
  return strokes;
}

/** Traces a 28×28 digit on the pad with mouse strokes (see digitStrokes). */
export async function traceDigit(page: Page, digit: Uint8Array): Promise<void> {
  const pad = page.getByTestId('digit-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  for (const [from, to] of digitStrokes(digit, box.width)) {
    await page.mouse.move(box.x + from.x, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 3 });
    await page.mouse.up();
  }
}
