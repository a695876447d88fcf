import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchForeignRequests, startFrameMonitor, readFrameMonitor, traceDigit, validationDigits, type App, type Page } from './harness';

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

  it('measures validation on the evaluation worker while training goes on, with the same figures as in line', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('bench.html', app.baseUrl).href);
    await page.waitForFunction(() => 'gradientLabBench' in window);
    type Run = { backend: string; offThreadShare: number; evaluations: number; perEpoch: number[] };
    const run = (inLineEvaluation: boolean) =>
      page.evaluate(
        (inLine) => (window as unknown as { gradientLabBench: { recipeRun(o: object, seed: number, t: object): Promise<Run> } }).gradientLabBench.recipeRun({ epochs: 1 }, 42, { evaluationsPerEpoch: 4, evaluationBudget: 0.05, reportPredictions: true, inLineEvaluation: inLine }),
        inLineEvaluation,
      );
    const elsewhere = await run(false);
    const inLine = await run(true);
    expect(elsewhere.backend).toBe('wasm');
    // The evaluation worker really ran the passes in Chromium (a nested worker with its own WebAssembly)…
    expect(elsewhere.offThreadShare).toBeGreaterThan(0);
    expect(inLine.offThreadShare).toBe(0);
    // …and the run's final figures, of the same final weights, are the ones an in-line pass gives.
    expect(elsewhere.perEpoch.at(-1)).toBe(inLine.perEpoch.at(-1));
    expect(elsewhere.perEpoch.at(-1)).toBeGreaterThan(0.8);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on WebAssembly with 2 threads (the threaded build, its heap shared) the CNN learns as on 1 thread', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('bench.html', app.baseUrl).href);
    await page.waitForFunction(() => 'gradientLabBench' in window);
    type Run = { backend: string; threads: number; wasmParts?: Record<string, boolean>; perEpoch: number[] };
    const run = (threads: number) =>
      page.evaluate(
        (t) => (window as unknown as { gradientLabBench: { recipeRun(o: object, seed: number, tuning: object, on: object): Promise<Run> } }).gradientLabBench.recipeRun({ epochs: 1 }, 42, { evaluationsPerEpoch: 1, inLineEvaluation: true }, { backend: 'wasm', threads: t }),
        threads,
      );
    const one = await run(1);
    const two = await run(2);
    // The preview server sends COOP/COEP, so 2 threads run the threaded build, whose heap is shared
    // (the SIMD kernels are assembled for that memory too); 1 thread runs the plain build.
    expect([one.threads, two.threads]).toEqual([1, 2]);
    // Every speed-up runs on both builds (the SIMD kernels on the shared heap too).
    expect(two.wasmParts).toEqual(one.wasmParts);
    expect(Object.values(one.wasmParts ?? {}).every(Boolean)).toBe(true);
    // The same maths (XNNPACK's threads only split the work): the same accuracy after an epoch.
    expect(one.perEpoch.at(-1)).toBeGreaterThan(0.9);
    expect(Math.abs(two.perEpoch.at(-1)! - one.perEpoch.at(-1)!)).toBeLessThanOrEqual(0.005);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with every optional wasm speed-up off (tfjs\'s own kernels, ?wasm-speedups=off) lesson 1 still trains past 97 %', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('?wasm-speedups=off#/lesson/01-train-a-digit-classifier', app.baseUrl).href);
    const train = page.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    // The worker reports which speed-ups run: none.
    expect(await page.getByTestId('backend').textContent()).toBe('wasm');
    expect(await page.getByTestId('backend').getAttribute('data-speedups')).toBe('none');
    await train.click();
    await expect.poll(() => validationAccuracy(page), { timeout: 200_000, interval: 500 }).toBeGreaterThanOrEqual(97);
    expect(errors).toEqual([]);
    await page.close();
  });
});
