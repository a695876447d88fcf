import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';
import { drawShape, SHAPE_NAMES as NAMES, type Shape } from './shapes';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function counts(page: Page): Promise<string[]> {
  return page.getByTestId('class-card').locator('.count').allTextContents();
}

describe('lesson 11 in real Chromium', () => {
  it('three classes drawn by mouse train to a classifier that reads new drawings; bad input changes nothing; drawings survive a reload', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('#/lesson/11-your-own-classifier', app.baseUrl).href);
    const widget = page.getByTestId('own-classifier');
    await widget.waitFor({ timeout: 60_000 });

    // Name the three classes.
    const shapes: Shape[] = ['bar', 'pole', 'ring'];
    for (const [i, shape] of shapes.entries()) {
      await widget.getByLabel(`Class ${i + 1}`, { exact: true }).fill(NAMES[shape]);
      await widget.getByLabel(`Class ${i + 1}`, { exact: true }).press('Tab');
    }
    await expect.poll(() => widget.getByRole('button', { name: /^Add drawing to/ }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')))).toEqual(shapes.map((s) => `Add drawing to “${NAMES[s]}”`));
    // Adding with nothing drawn explains itself and adds nothing.
    await widget.getByRole('button', { name: 'Add drawing to “O”' }).click();
    await expect.poll(() => page.getByTestId('add-message').textContent()).toMatch(/Draw on the pad first/);

    // Too few drawings: Train explains, and nothing is lost.
    for (let k = 0; k < 3; k++) {
      await drawShape(page, 'bar');
      await widget.getByRole('button', { name: 'Add drawing to “—”' }).click();
    }
    await widget.getByRole('button', { name: 'Train on my drawings' }).click();
    await expect.poll(() => page.getByTestId('train-problems').textContent()).toMatch(/at least 10 examples of “—”: it has 3/);
    expect(await counts(page)).toEqual(['3 drawings (7 to go)', '0 drawings (10 to go)', '0 drawings (10 to go)']);

    // Eleven of each class.
    for (const shape of shapes) {
      for (let k = shape === 'bar' ? 3 : 0; k < 11; k++) {
        await drawShape(page, shape);
        await widget.getByRole('button', { name: `Add drawing to “${NAMES[shape]}”` }).click();
      }
    }
    expect(await counts(page)).toEqual(['11 drawings', '11 drawings', '11 drawings']);

    const started = Date.now();
    await widget.getByRole('button', { name: 'Train on my drawings' }).click();
    await expect.poll(() => page.getByTestId('own-status').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/· done$/);
    const status = (await page.getByTestId('own-status').textContent())!;
    console.log(`lesson 11: ${status} (${((Date.now() - started) / 1000).toFixed(1)} s from Train)`);
    expect(status).toMatch(/of 6 test drawings · trained on 27/);
    expect(Number(/Held-out accuracy: (\d+) %/.exec(status)?.[1])).toBeGreaterThanOrEqual(80);
    expect(await page.getByTestId('train-problems').count()).toBe(0);

    // A new drawing of each class is read as that class.
    for (const shape of shapes) {
      await drawShape(page, shape);
      await expect.poll(() => widget.locator('[aria-live="polite"]', { hasText: 'Prediction' }).first().textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Prediction: ${NAMES[shape] === '|' ? '\\|' : NAMES[shape]} \\(`));
      await widget.getByRole('button', { name: 'Clear', exact: true }).click();
    }
    expect(await exerciseDone(page, 'three-classes')).toBe(Number(/Held-out accuracy: (\d+) %/.exec(status)?.[1]) >= 90);

    // Bad files are refused with a message; the drawings stay.
    const input = page.getByTestId('drawings-file');
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"gradient-lab-drawings","version":1,"classes":[{"name":"x","drawi') });
    await expect.poll(() => page.getByTestId('file-message').textContent()).toMatch(/not valid JSON.*Your drawings are unchanged/);
    await input.setInputFiles({ name: 'future.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"gradient-lab-drawings","version":2,"classes":[]}') });
    await expect.poll(() => page.getByTestId('file-message').textContent()).toMatch(/version 2, but this page reads version 1/);
    await input.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(1_500_000, 32) });
    await expect.poll(() => page.getByTestId('file-message').textContent()).toMatch(/1\.5 MB; a drawings file is at most 1 MB/);
    expect(await counts(page)).toEqual(['11 drawings', '11 drawings', '11 drawings']);

    // A reload keeps the classes and every drawing.
    await page.reload();
    await expect.poll(() => counts(page), { timeout: 60_000 }).toEqual(['11 drawings', '11 drawings', '11 drawings']);
    expect(await page.getByTestId('class-card').locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(['—', '|', 'O']);

    // Clearing asks first: Escape keeps everything; confirming from the keyboard clears.
    await page.getByRole('button', { name: 'Clear drawings…' }).click();
    const dialog = page.getByTestId('confirm-dialog').filter({ visible: true });
    await expect.poll(() => dialog.textContent()).toMatch(/Delete all 33 drawings\?/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await counts(page)).toEqual(['11 drawings', '11 drawings', '11 drawings']);
    await page.getByRole('button', { name: 'Clear drawings…' }).click();
    await page.keyboard.press('Tab'); // from Cancel (focused first) to the confirm button
    await page.keyboard.press('Enter');
    await expect.poll(() => counts(page)).toEqual(['0 drawings (10 to go)', '0 drawings (10 to go)', '0 drawings (10 to go)']);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
