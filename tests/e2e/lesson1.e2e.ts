import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startApp, watchForeignRequests, startFrameMonitor, readFrameMonitor, traceDigit, type App, type Page } from './harness';
import { decodeMnist, gunzip, stratifiedSplit } from '../../src/ml/mnist';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function validationAccuracy(page: Page): Promise<number | null> {
  const text = (await page.getByTestId('trainer-status').textContent()) ?? '';
  const match = /Validation accuracy: ([\d.]+) %/.exec(text);
  return match ? Number(match[1]) : null;
}

/** The validation digits in the order the app's gallery uses (same split, same seed). */
async function validationDigits(): Promise<{ pixels: Uint8Array; labels: Uint8Array; order: Int32Array }> {
  const data = decodeMnist(await gunzip(new Uint8Array(readFileSync('public/data/mnist-10k.bin'))));
  return { pixels: data.pixels, labels: data.labels, order: stratifiedSplit(data.labels, 2000, 1234).validation };
}

describe('lesson 1 in real Chromium', () => {
  it('trains the default model past 95 % validation accuracy without freezing the page, then reads a drawn digit', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(app.baseUrl);
    await page.getByRole('link', { name: /Your first digit classifier/ }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Your first digit classifier/);

    const train = page.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    const backend = await page.getByTestId('backend').textContent();
    expect(['webgl', 'wasm', 'cpu']).toContain(backend?.trim());

    await startFrameMonitor(page);
    await train.click();
    await expect.poll(() => validationAccuracy(page), { timeout: 150_000, interval: 500 }).toBeGreaterThan(95);
    const frames = await readFrameMonitor(page);
    // Training runs in a worker: the page keeps animating throughout the run, never frozen for
    // seconds as main-thread training freezes it. (Frame-gap targets are in the benchmark: timings
    // taken while CI shares the machine are no test.)
    expect(frames.count).toBeGreaterThan(50);
    expect(frames.max).toBeLessThan(5000);

    // The gallery marks right and wrong predictions.
    await expect.poll(() => page.locator('[data-testid="gallery-item"].right').count()).toBeGreaterThan(30);

    // Draw a validation digit by mouse and see it read correctly.
    const { pixels, labels, order } = await validationDigits();
    const index = order[3];
    const label = labels[index];
    await traceDigit(page, pixels.subarray(index * 784, (index + 1) * 784));
    await expect
      .poll(async () => (await page.locator('[aria-live="polite"]', { hasText: 'Prediction' }).first().textContent()) ?? '', { timeout: 15_000 })
      .toMatch(new RegExp(`Prediction: ${label}\\b`));

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('updates the validation figures several times an epoch: they are measured on another thread while training goes on', async () => {
    const page = await app.browser.newPage();
    await page.goto(new URL('#/lesson/01-train-a-digit-classifier', app.baseUrl).href);
    const train = page.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('wasm');
    // Every change of the status line's validation figures, recorded in the page until the run ends.
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid="trainer-status"]')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const figures = /Validation accuracy: .*/.exec(status.textContent ?? '')?.[0];
        if (figures && figures !== seen.at(-1)) seen.push(figures);
      }).observe(status, { subtree: true, childList: true, characterData: true });
    });
    await train.click();
    await expect.poll(() => page.getByRole('button', { name: /Train 3 more epochs/ }).isVisible(), { timeout: 150_000 }).toBe(true);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // In line, within 5 % of the time, there were 4–5 in the whole 3-epoch run (first, about one an epoch, last).
    expect(seen.length, seen.join('\n')).toBeGreaterThanOrEqual(8);
    await page.close();
  });
});
