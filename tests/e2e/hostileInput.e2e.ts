// Hostile input in real Chromium (issue 11): a CSV at the size cap with a formula cell is read off
// the main thread; links that crash or flood a widget leave a working one and a short message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/** Starts recording the page's long tasks (main-thread work over 50 ms). */
async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
  })()`);
}

const longTasks = (page: Page) => page.evaluate('window.__longTasks') as Promise<number[]>;

const LESSON_1 = '01-train-a-digit-classifier';

/** The digit trainer trains: Train, a first evaluation shown, Pause. */
async function trainsBriefly(page: Page): Promise<void> {
  const card = page.getByTestId('mnist-trainer');
  const train = card.getByRole('button', { name: 'Train', exact: true });
  await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
  await train.click();
  await expect.poll(() => card.getByTestId('trainer-status').textContent(), { timeout: 90_000 }).toMatch(/Validation accuracy: [\d.]+ %/);
  await card.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect.poll(() => train.isEnabled()).toBe(true);
}

/** Every message the lesson's widget shows (alerts and status lines), and the length of the page's text. */
async function shownMessages(page: Page): Promise<{ messages: string[]; pageText: number }> {
  const widget = page.locator('section.widget').first();
  const messages = (await widget.locator('[role="alert"], [role="status"]').allTextContents()).map((t) => t.trim()).filter(Boolean);
  return { messages, pageText: ((await page.evaluate('document.body.innerText.length')) as number) };
}

describe('hostile input', () => {
  it('a CSV at the 1 MB cap with a formula cell after a million blank lines is read in a worker, and its message names the row', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.baseUrl}#/lesson/02-fitting-a-line`);
    const card = page.getByTestId('line-fitter');
    await expect.poll(() => card.getByRole('button', { name: 'Play', exact: true }).isEnabled(), { timeout: 60_000 }).toBe(true);
    await card.locator('summary', { hasText: 'Change the data' }).click();

    // The worst file found for the old main-thread parser (0.9 s in Node): 1 MB, nearly all blank lines, then `=cmd…`.
    // Picked from disk: a file given as a buffer is rebuilt inside the page by Playwright, itself a long task.
    const text = `x,y\n1,2\n${'\n'.repeat(1_000_000 - 40)}=cmd|' /C calc'!A0,1\n`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_000_000);
    const folder = mkdtempSync(join(tmpdir(), 'gradient-lab-csv-'));
    writeFileSync(join(folder, 'formula.csv'), text);
    await recordLongTasks(page);
    await card.getByTestId('csv-file').setInputFiles(join(folder, 'formula.csv'));
    await expect
      .poll(() => card.getByTestId('csv-error').textContent(), { timeout: 30_000 })
      .toMatch(/^formula\.csv: Row 999,?963: "=cmd\|' \/C calc'!A0" in column 1 is not a number\. Your previous points are still in use\.$/);
    expect(await card.getByTestId('point-count').textContent()).toMatch(/^30 points \(generated\)/);
    // A figure for the report, not a test: timings on a shared CI machine are no test.
    const tasks = await longTasks(page);
    console.log(`CSV at the cap: ${tasks.length} long tasks on the main thread, longest ${Math.round(Math.max(0, ...tasks))} ms`);

    // A good file still loads (through the same worker path).
    await card.getByTestId('csv-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n0,1\n1,3\n2,5\n') });
    await expect.poll(() => card.getByTestId('csv-note').textContent()).toMatch(/^Loaded 3 points from good\.csv\./);
    await expect.poll(() => card.getByTestId('point-count').textContent()).toMatch(/^3 points \(good\.csv\)/);
    expect(errors).toEqual([]);
    await page.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a link that makes the digit trainer throw: Restart widget brings it back with the lesson’s settings, says so briefly, and it trains', async () => {
    const page = await app.browser.newPage();
    // Stands in for a link-reading bug (the duplicated-key crash of issue 11 is fixed): reading
    // this link's settings throws, with an error that repeats 100,000 characters of input.
    await page.addInitScript(`(() => {
      const read = URLSearchParams.prototype[Symbol.iterator];
      URLSearchParams.prototype[Symbol.iterator] = function () {
        if (this.has('mnist-trainer.crash')) throw new RangeError('Cannot read the setting ' + 'x'.repeat(100000));
        return read.call(this);
      };
    })()`);
    await page.goto(`${app.baseUrl}#/lesson/${LESSON_1}?mnist-trainer.learningRate=0.002&mnist-trainer.crash=1`);
    const restart = page.getByRole('button', { name: 'Restart widget' });
    await expect.poll(() => restart.count(), { timeout: 30_000 }).toBe(1);
    const box = page.locator('.error-box');
    expect(await box.textContent()).toMatch(/This widget stopped working/);
    expect(((await box.textContent()) ?? '').length).toBeLessThan(300);
    expect(await page.getByTestId('mnist-trainer').count()).toBe(0);

    await restart.click();
    await expect.poll(() => page.getByTestId('widget-restarted').textContent()).toMatch(/restarted with the lesson’s settings\. The settings from the link were left out/);
    expect(new URL(page.url()).hash).toBe(`#/lesson/${LESSON_1}`);
    // The lesson's learning rate, not the link's.
    await expect.poll(() => page.getByTestId('mnist-trainer').getByRole('textbox', { name: 'Learning rate', exact: true }).inputValue(), { timeout: 30_000 }).toBe('0.015');
    await trainsBriefly(page);
    const { messages, pageText } = await shownMessages(page);
    expect(messages.every((m) => m.length < 300), messages.join(' | ')).toBe(true);
    expect(pageText).toBeLessThan(20_000);
    await page.close();
  });

  for (const [what, query, message] of [
    ['the same key twice', 'mnist-trainer.model=mlp&mnist-trainer.model=mlp', /From the link: “model” was given more than once; the last value was used\./],
    ['a 1 MB value', `mnist-trainer.learningRate=${'9'.repeat(1_000_000)}`, /From the link: This link is too long \(1,000,\d{3} characters; the limit is 4,000\), so its settings were ignored\./],
  ] as const) {
    it(`a link with ${what} leaves a working digit trainer and a message under 300 characters`, async () => {
      const page = await app.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message.slice(0, 300)));
      await page.goto(`${app.baseUrl}#/lesson/${LESSON_1}?${query}`);
      await trainsBriefly(page);
      const { messages, pageText } = await shownMessages(page);
      expect(messages.some((m) => message.test(m)), messages.join(' | ')).toBe(true);
      expect(messages.every((m) => m.length < 300), messages.join(' | ')).toBe(true);
      expect(pageText).toBeLessThan(20_000);
      expect(await page.getByRole('button', { name: 'Restart widget' }).count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
