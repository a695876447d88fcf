import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/**
 * Resolves once the page's animation frames have spanned `ms` of frame time: the clock the sliding
 * window moves by. A window that played on its own would have moved by then; a fixed wait could
 * pass while no frame was drawn at all.
 */
function framesSpanning(page: Page, ms: number): Promise<void> {
  return page.evaluate(
    (span) =>
      new Promise<void>((resolve) => {
        let first: number | undefined;
        const frame = (time: number) => {
          first ??= time;
          if (time - first >= span) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** The pixels a canvas shows now, as a data URL (equal URLs = equal pictures). */
function canvasData(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluateAll((canvases) => canvases.map((c) => (c as HTMLCanvasElement).toDataURL()));
}

async function stroke(page: Page, pad: ReturnType<Page['getByTestId']>, from: [number, number], to: [number, number]): Promise<void> {
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 8 });
  await page.mouse.up();
}

function validationAccuracy(text: string | null): number {
  const match = /Validation accuracy: ([\d.]+) %/.exec(text ?? '');
  return match ? Number(match[1]) : 0;
}

describe('lesson 7 in real Chromium', () => {
  it('slides a kernel over a digit: presets and typed weights change the output, bad weights are clamped, the exercise ticks', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const foreign = watchForeignRequests(page, app.baseUrl);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(new URL('#/lesson/07-convolutions', app.baseUrl).href);

    const explorer = page.getByTestId('kernel-explorer');
    await explorer.getByTestId('kernel-output').waitFor({ timeout: 60_000 });
    // Reduced motion: the window waits for Play (at 40 moves a second it would have moved 20 times in 500 ms of frames), then slides.
    const sum = explorer.getByTestId('kernel-sum');
    const play = explorer.getByRole('button', { name: 'Play the sliding window' });
    expect(await play.getAttribute('aria-pressed')).toBe('false');
    const still = await sum.textContent();
    await framesSpanning(page, 500);
    expect(await sum.textContent()).toBe(still);
    await play.click();
    await expect.poll(() => sum.textContent()).not.toBe(still);
    await explorer.getByRole('button', { name: 'Pause the sliding window' }).click();
    const vertical = await canvasData(page, 'kernel-output');
    expect(await explorer.getByTestId('kernel-responses').textContent()).toMatch(/vertical edge\s*4\.0\s*a horizontal edge\s*0\.0/);

    await explorer.getByLabel('Kernel', { exact: true }).selectOption('horizontal');
    await expect.poll(() => canvasData(page, 'kernel-output')).not.toEqual(vertical);
    const horizontal = await canvasData(page, 'kernel-output');
    await explorer.getByLabel('Kernel', { exact: true }).selectOption('blur');
    await expect.poll(() => canvasData(page, 'kernel-output')).not.toEqual(horizontal);

    // Another digit under the same kernel gives another output.
    const blurred = await canvasData(page, 'kernel-output');
    await explorer.getByRole('button', { name: /Validation digit 2,/ }).click();
    await expect.poll(() => canvasData(page, 'kernel-output')).not.toEqual(blurred);

    // An absurd weight is clamped with a message; text that is not a number keeps the weight.
    const topRight = explorer.getByLabel('Weight, top row, right column');
    await topRight.fill('1e9');
    await topRight.press('Enter');
    await expect.poll(() => explorer.getByRole('alert').textContent()).toMatch(/changed to 10/);
    await expect.poll(() => topRight.inputValue()).toBe('10');
    await topRight.fill('lots');
    await topRight.press('Enter');
    await expect.poll(() => explorer.getByRole('alert').textContent()).toMatch(/not one, so it stays 10/);
    expect(await topRight.inputValue()).toBe('10');

    // The exercise: a hand-made vertical-edge kernel (not a preset).
    expect(await exerciseDone(page, 'own-vertical-kernel')).toBe(false);
    const weights = [-1, 0, 1, -1, 0, 1, -1, 0, 1];
    const rows = ['top', 'middle', 'bottom'];
    const cols = ['left', 'middle', 'right'];
    for (let i = 0; i < 9; i++) {
      const field = explorer.getByLabel(`Weight, ${rows[Math.floor(i / 3)]} row, ${cols[i % 3]} column`);
      await field.fill(String(weights[i]));
      await field.press('Tab');
    }
    await expect.poll(() => exerciseDone(page, 'own-vertical-kernel')).toBe(true);
    expect(await explorer.getByTestId('exercise-done').textContent()).toMatch(/vertical edges/);

    // The window moves with the keyboard: the slider names the position it computes.
    const slider = explorer.getByLabel('Window position');
    await slider.focus();
    await slider.press('Home');
    await expect.poll(() => explorer.getByTestId('kernel-sum').textContent()).toMatch(/row 1, column 1 =/);
    await slider.press('ArrowRight');
    await expect.poll(() => explorer.getByTestId('kernel-sum').textContent()).toMatch(/row 1, column 2 =/);

    // The learner's drawing goes under the kernel.
    const before = await canvasData(page, 'kernel-input');
    await explorer.getByText('Draw your own digit').click();
    await stroke(page, explorer.getByTestId('digit-pad'), [0.3, 0.2], [0.7, 0.8]);
    await expect.poll(() => canvasData(page, 'kernel-input')).not.toEqual(before);
    expect(await explorer.getByRole('button', { name: 'Your drawing' }).getAttribute('aria-pressed')).toBe('true');

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('takes its digits from the page, not a worker: a failed download says so, and Try again brings them', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.route('**/data/mnist-10k.bin', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(new URL('#/lesson/07-convolutions', app.baseUrl).href);

    const explorer = page.getByTestId('kernel-explorer');
    const error = explorer.getByTestId('digits-error');
    await expect.poll(() => error.textContent(), { timeout: 60_000 }).toMatch(/Could not load the example digits \(Could not download the digit data: the server answered 404 .*\)\. Draw one on the pad instead, or try again\./);
    expect(await explorer.getByText('Draw a digit on the pad below.').count()).toBe(1);
    // The CNN inspector below tried its worker too, and failed the same way.
    await expect.poll(() => page.getByTestId('cnn-inspector').getByTestId('trainer-error').textContent(), { timeout: 60_000 }).toMatch(/404/);
    await page.unroute('**/data/mnist-10k.bin');
    await error.getByRole('button', { name: 'Try again' }).click();
    await explorer.getByTestId('kernel-output').waitFor({ timeout: 60_000 });
    expect(await error.count()).toBe(0);
    expect(await explorer.getByRole('button', { name: /^Validation digit 1, a \d$/ }).getAttribute('aria-pressed')).toBe('true');
    // The one training worker on the page is the CNN inspector's: the explorer starts none.
    expect(workers.filter((url) => url.includes('training.worker'))).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains the CNN, shows its learnt first-layer filters, and redraws every feature map when the pad changes', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('#/lesson/07-convolutions', app.baseUrl).href);
    const inspector = page.getByTestId('cnn-inspector');
    const train = inspector.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    await inspector.getByTestId('filters').waitFor();
    const untrained = await canvasData(page, 'filters');

    await train.click();
    const status = inspector.getByTestId('trainer-status');
    await expect.poll(async () => validationAccuracy(await status.textContent()), { timeout: 180_000, interval: 500 }).toBeGreaterThanOrEqual(97);
    await expect.poll(() => exerciseDone(page, 'cnn-97')).toBe(true);
    await inspector.getByRole('button', { name: 'Pause' }).click().catch(() => undefined); // it may have finished
    await expect.poll(() => canvasData(page, 'filters')).not.toEqual(untrained);
    expect(await inspector.getByRole('heading', { name: /first layer's 8 filters/ }).textContent()).not.toMatch(/after 0 steps/);

    // Draw a vertical stroke: four layers of maps appear, and the pad reads it.
    const pad = inspector.getByTestId('digit-pad');
    await stroke(page, pad, [0.5, 0.15], [0.5, 0.85]);
    await inspector.getByTestId('feature-maps-3').waitFor({ timeout: 15_000 });
    const layers = async () => Promise.all([0, 1, 2, 3].map((i) => canvasData(page, `feature-maps-${i}`).then((d) => d[0])));
    await expect.poll(async () => (await layers()).every(Boolean)).toBe(true);
    const one = await layers();
    await expect.poll(() => inspector.getByText(/Prediction: \d/).count()).toBe(1);

    // Add a horizontal bar (a 7 or a 4 now): every layer's maps change.
    await stroke(page, pad, [0.2, 0.15], [0.8, 0.15]);
    await expect
      .poll(async () => {
        const now = await layers();
        return now.every((data, i) => data !== one[i]);
      })
      .toBe(true);

    // Clearing the pad clears the maps.
    await inspector.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => inspector.getByTestId('feature-maps-0').count()).toBe(0);

    expect(errors).toEqual([]);
    await page.close();
  });
});
