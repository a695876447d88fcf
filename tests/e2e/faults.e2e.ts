import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const LESSON = '#/lesson/01-train-a-digit-classifier';

async function waitEnabled(page: Page, name: string, timeout = 90_000): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name, exact: true }).isEnabled(), { timeout }).toBe(true);
}

describe('bad input and faults in real Chromium', () => {
  it('a failed data download shows a clear message and a retry that works', async () => {
    const page = await app.browser.newPage();
    await page.route('**/data/mnist-10k.bin', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(new URL(LESSON, app.baseUrl).href);
    const error = page.getByTestId('trainer-error');
    await expect.poll(() => error.textContent(), { timeout: 60_000 }).toMatch(/Could not download the digit data: the server answered 404/);
    expect(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled()).toBe(true);
    // The lesson text is still there and the page works.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Your first digit classifier/);
    await page.unroute('**/data/mnist-10k.bin');
    await error.getByRole('button', { name: 'Try again' }).click();
    await waitEnabled(page, 'Train');
    expect(await error.count()).toBe(0);
    await page.close();
  });

  it('a corrupt data file is reported, not trained on', async () => {
    const page = await app.browser.newPage();
    await page.route('**/data/mnist-10k.bin', (route) => route.fulfill({ status: 200, body: Buffer.from('this is not gzip') }));
    await page.goto(new URL(LESSON, app.baseUrl).href);
    await expect.poll(() => page.getByTestId('trainer-error').textContent(), { timeout: 60_000 }).toMatch(/could not be decompressed/);
    await page.close();
  });

  it('a lost WebGL context is explained and training continues on WebAssembly with what was learnt', async () => {
    const page = await app.browser.newPage();
    await page.goto(new URL(LESSON, app.baseUrl).href);
    await waitEnabled(page, 'Train');
    await page.locator('select[id$="-model"]').selectOption('mlp');
    await page.locator('select[id$="-backend"]').selectOption('webgl');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 90_000 }).toBe('webgl');
    await waitEnabled(page, 'Train');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const status = page.getByTestId('trainer-status');
    const shownAccuracy = async () => Number(/Validation accuracy: ([\d.]+) %/.exec((await status.textContent()) ?? '')?.[1] ?? NaN);
    await expect.poll(shownAccuracy, { timeout: 120_000 }).toBeGreaterThan(0);
    // What a model reaches at its first evaluation: a restart from scratch would show about this.
    const firstAccuracy = await shownAccuracy();
    await expect.poll(shownAccuracy, { timeout: 120_000 }).toBeGreaterThan(firstAccuracy + 4);
    // Simulate the GPU reset from inside the worker, as a driver crash would (the health view's drill).
    await page.getByRole('tab', { name: 'Health' }).click();
    await page.getByRole('button', { name: 'Simulate a GPU reset' }).click();
    const error = page.getByTestId('trainer-error');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/GPU \(WebGL\) context was lost/);
    await error.getByRole('button', { name: 'WebAssembly' }).click();
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toBe('wasm');
    await waitEnabled(page, 'Train');
    const accuracyBefore = await shownAccuracy();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const before = await status.textContent();
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).not.toBe(before);
    // Carried on from the checkpoint rather than from scratch: the first evaluation after the switch
    // keeps (about) what was learnt, clearly above what a fresh model shows at its first evaluation.
    const accuracyAfter = await shownAccuracy();
    expect(accuracyBefore).toBeGreaterThan(firstAccuracy + 4);
    expect(accuracyAfter).toBeGreaterThan(Math.max(firstAccuracy + 2, accuracyBefore - 2));
    await page.close();
  });

  it('a broken or hand-edited link gets clear messages, and the app keeps working', async () => {
    const page = await app.browser.newPage();
    await page.goto(new URL('#/lesson/no-such-lesson', app.baseUrl).href);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/not found/i);
    await page.goto(new URL('?learningRate=banana&batchSize=99999&model=resnet#/lesson/01-train-a-digit-classifier', app.baseUrl).href);
    const alerts = page.getByRole('alert');
    await expect.poll(() => alerts.filter({ hasText: 'From the link: Learning rate must be a number' }).count()).toBe(1);
    // The model goes through the trainer's link schema like every other key: named, with the choices and what is used.
    await expect.poll(() => alerts.filter({ hasText: /From the link: Model: "resnet" is not one of Small CNN \(convolutional\), .*; using Small CNN \(convolutional\)\./ }).count()).toBe(1);
    await waitEnabled(page, 'Train');
    expect(await page.getByLabel('Batch size', { exact: true }).inputValue()).toBe('1024');
    expect(await page.getByLabel('Learning rate', { exact: true }).inputValue()).toBe('0.015'); // an unusable link value is set back to the lesson's own (lesson 1: 0.015), and the message says so
    await expect.poll(() => alerts.filter({ hasText: 'so it was set back to 0.015' }).count()).toBe(1);
    expect(await page.locator('select[id$="-model"]').inputValue()).toBe('cnn');
    await page.close();
  });

  it('a shared link restores a custom architecture and settings; a key given twice is explained, not a crash', async () => {
    const page = await app.browser.newPage();
    const arch = encodeURIComponent('flatten,dense:32:tanh,dropout:0.25');
    const hash = `#/lesson/01-train-a-digit-classifier?mnist-trainer.model=custom&mnist-trainer.arch=${arch}&mnist-trainer.learningRate=0.01&mnist-trainer.learningRate=0.02&mnist-trainer.${'x'.repeat(5000).slice(0, 10)}=1`;
    await page.goto(new URL(hash, app.baseUrl).href);
    await waitEnabled(page, 'Train');
    expect(await page.locator('select[id$="-model"]').inputValue()).toBe('custom');
    expect(await page.getByLabel('Learning rate', { exact: true }).inputValue()).toBe('0.02');
    // 784·32 + 32 weights into the tanh layer, 32·10 + 10 into the output.
    await expect.poll(() => page.getByText('25,450', { exact: true }).count()).toBeGreaterThan(0);
    const alerts = page.getByRole('alert');
    await expect.poll(() => alerts.filter({ hasText: '“learningRate” was given more than once' }).count()).toBe(1);
    await expect.poll(() => alerts.filter({ hasText: 'not one this widget has' }).count()).toBe(1);
    // Copying the link gives back one that restores the same setup (no clipboard here: it goes to the address bar).
    await page.getByRole('button', { name: 'Copy a link to these settings' }).click();
    const copied = async () => {
      const clipboard = await page.evaluate(() => navigator.clipboard.readText().catch(() => '')).catch(() => '');
      return `${clipboard} ${page.url()}`;
    };
    await expect.poll(copied).toMatch(/mnist-trainer\.arch=flatten%2Cdense%3A32%3Atanh%2Cdropout%3A0\.25/);
    await page.close();
  });
});
