import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
  // The clipboard as a learner's browser has it, so the test reads what "Copy a link" put there.
  await app.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.baseUrl).origin });
});
afterAll(async () => {
  await app?.close();
});

/** What "Copy a link" gave: the clipboard where Chromium allows it, else the address bar. */
async function copiedLink(page: Page): Promise<string> {
  const clipboard = await page.evaluate(() => navigator.clipboard.readText().catch(() => '')).catch(() => '');
  return `${clipboard} ${page.url()}`;
}

/** A widget's "Copy a link" button is quiet: no filled background, unlike Train. */
async function isQuiet(page: Page, testId: string): Promise<boolean> {
  const button = page.getByTestId(testId).getByRole('button', { name: 'Copy a link to these settings' });
  return button.evaluate((b) => b.classList.contains('button-quiet') && getComputedStyle(b).backgroundColor === 'rgba(0, 0, 0, 0)');
}

describe('shared links of lessons 6–11 in real Chromium', () => {
  it('lesson 6: a link opens the baseline with the MLP and its settings, and the ladder with its own', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const foreign = watchForeignRequests(page, app.baseUrl);
    const hash = '#/lesson/06-a-baseline-then-the-ladder?digit-baseline.model=mlp&digit-baseline.epochs=5&digit-baseline.optimizer=sgd&abstraction-ladder.seed=7&abstraction-ladder.steps=80&abstraction-ladder.learningRate=0.25';
    await page.goto(new URL(hash, app.baseUrl).href);
    const baseline = page.getByTestId('digit-baseline');
    const ladder = page.getByTestId('abstraction-ladder');
    await expect.poll(() => baseline.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
    expect(await baseline.locator('select[id$="-model"]').inputValue()).toBe('mlp');
    expect(await baseline.getByLabel('Epochs', { exact: true }).inputValue()).toBe('5');
    expect(await baseline.getByLabel('Optimizer', { exact: true }).inputValue()).toBe('sgd');
    expect(await ladder.getByLabel('Seed', { exact: true }).inputValue()).toBe('7');
    expect(await ladder.getByLabel('Steps', { exact: true }).inputValue()).toBe('80');
    expect(await ladder.getByLabel('Learning rate', { exact: true }).inputValue()).toBe('0.25');
    await expect.poll(() => ladder.textContent()).toMatch(/on the same 80 batches of 32 digits/);
    expect(await isQuiet(page, 'digit-baseline')).toBe(true);
    expect(await isQuiet(page, 'abstraction-ladder')).toBe(true);

    // Change a setting, copy the link: it carries both widgets' settings, and opens with them.
    await baseline.getByLabel('Batch size', { exact: true }).fill('128');
    await baseline.getByLabel('Batch size', { exact: true }).press('Enter');
    await baseline.getByRole('button', { name: 'Copy a link to these settings' }).click();
    await expect.poll(() => baseline.getByRole('status').filter({ hasText: 'Link copied.' }).count()).toBe(1);
    await expect.poll(() => copiedLink(page)).toMatch(/digit-baseline\.batchSize=128/);
    const link = (await copiedLink(page)).split(' ').find((l) => l.includes('digit-baseline.batchSize=128'))!;
    expect(link).toMatch(/abstraction-ladder\.seed=7/);
    const again = await app.browser.newPage();
    await again.goto(link);
    const reopened = again.getByTestId('digit-baseline');
    await expect.poll(() => reopened.getByLabel('Batch size', { exact: true }).inputValue(), { timeout: 60_000 }).toBe('128');
    expect(await reopened.locator('select[id$="-model"]').inputValue()).toBe('mlp');
    expect(await again.getByTestId('abstraction-ladder').getByLabel('Seed', { exact: true }).inputValue()).toBe('7');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await again.close();
    await page.close();
  });

  it('lesson 7: a link opens the kernel explorer on its kernel and digit, and the CNN with its settings; a hostile link is explained as text', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const own = [1, 0, -1, 2, 0, -2, 1, 0, -1];
    const weights = own.map((w, i) => `kernel-explorer.w${Math.floor(i / 3)}${i % 3}=${w}`).join('&');
    await page.goto(new URL(`#/lesson/07-convolutions?kernel-explorer.kernel=custom&${weights}&kernel-explorer.digit=3&cnn-inspector.learningRate=0.02&cnn-inspector.epochs=2`, app.baseUrl).href);
    const explorer = page.getByTestId('kernel-explorer');
    await explorer.getByTestId('kernel-output').waitFor({ timeout: 60_000 });
    expect(await explorer.getAttribute('data-preset')).toBe('custom');
    expect(await explorer.getByLabel('Weight, middle row, left column').inputValue()).toBe('2');
    expect(await explorer.getByLabel('Weight, middle row, right column').inputValue()).toBe('-2');
    expect(await explorer.getByRole('button', { name: /Validation digit 3,/ }).getAttribute('aria-pressed')).toBe('true');
    // The mirrored vertical-edge kernel still answers a vertical edge (the other side of it).
    expect(await explorer.getByTestId('kernel-responses').textContent()).toMatch(/vertical edge\s*4\.0\s*a horizontal edge\s*0\.0/);
    const inspector = page.getByTestId('cnn-inspector');
    expect(await inspector.getByLabel('Learning rate', { exact: true }).inputValue()).toBe('0.02');
    expect(await inspector.getByLabel('Epochs', { exact: true }).inputValue()).toBe('2');
    expect(await isQuiet(page, 'kernel-explorer')).toBe(true);
    expect(await isQuiet(page, 'cnn-inspector')).toBe(true);

    // A preset travels by name.
    await explorer.getByLabel('Kernel', { exact: true }).selectOption('sharpen');
    await explorer.getByRole('button', { name: 'Copy a link to these settings' }).click();
    await expect.poll(() => copiedLink(page)).toMatch(/kernel-explorer\.kernel=sharpen&kernel-explorer\.digit=3/);

    // Hostile values: clamped or refused, said in words, nothing run or inserted as HTML.
    const hostile = encodeURIComponent('<img src=x onerror=alert(1)>');
    const bad = await app.browser.newPage();
    bad.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await bad.goto(new URL(`#/lesson/07-convolutions?kernel-explorer.kernel=${hostile}&kernel-explorer.w11=1e308&kernel-explorer.__proto__=1&cnn-inspector.optimizer=constructor`, app.baseUrl).href);
    const badExplorer = bad.getByTestId('kernel-explorer');
    await expect.poll(() => badExplorer.getByRole('alert').allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/^From the link: Kernel: "<img src=x onerror=alert\(1\)>" is not one of/));
    expect(await badExplorer.getAttribute('data-preset')).toBe('vertical');
    expect(await bad.locator('img[src="x"]').count()).toBe(0);
    await expect.poll(() => bad.getByTestId('cnn-inspector').getByRole('alert').allTextContents()).toContainEqual(expect.stringMatching(/Optimizer: "constructor" is not one of/));
    expect(errors).toEqual([]);
    await bad.close();
    await page.close();
  });
});
