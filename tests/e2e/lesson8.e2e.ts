import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function openLesson(page: Page, go = true): Promise<Locator> {
  if (go) await page.goto(new URL('#/lesson/08-overfitting', app.baseUrl).href);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Overfitting/);
  const lab = page.getByTestId('overfitting-lab');
  await expect.poll(() => lab.getByRole('button', { name: 'Play', exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
  return lab;
}

async function setField(lab: Locator, label: string, value: string): Promise<void> {
  const field = lab.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Enter');
}

/** The gap the page shows, in points (NaN while there is none). */
async function shownGap(lab: Locator): Promise<number> {
  const match = /([\d.-]+) points/.exec((await lab.getByTestId('gap').textContent()) ?? '');
  return match ? Number(match[1]) : NaN;
}

async function shownPercent(lab: Locator, testId: string): Promise<number> {
  const match = /([\d.]+) %/.exec((await lab.getByTestId(testId).textContent()) ?? '');
  return match ? Number(match[1]) : NaN;
}

/** Plays until the epoch target is met: the run ends and Play is offered again. */
async function playToTheEnd(lab: Locator, epochs: number): Promise<void> {
  await lab.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => lab.getByRole('button', { name: 'Pause' }).isEnabled(), { timeout: 10_000 }).toBe(true);
  await expect
    .poll(async () => (await lab.getByRole('button', { name: 'Play', exact: true }).isEnabled()) && ((await lab.textContent()) ?? '').includes(`epoch ${epochs}`), {
      timeout: 200_000,
      interval: 250,
    })
    .toBe(true);
}

describe('lesson 8 in real Chromium', () => {
  it('shows a larger train/validation gap after training on 200 digits than on all 8,000, for the same epochs', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const lab = await openLesson(page);
    expect(await lab.getByTestId('gap').textContent()).toBe('—');
    expect(await lab.getByTestId('gap-figures').getAttribute('role')).toBe('status');

    await setField(lab, 'Epochs', '3');
    await playToTheEnd(lab, 3);
    const small = { gap: await shownGap(lab), train: await shownPercent(lab, 'train-accuracy'), val: await shownPercent(lab, 'val-accuracy') };
    // The gap shown is the difference of the two accuracies shown.
    expect(small.gap).toBeCloseTo(small.train - small.val, 0);
    expect(await exerciseDone(page, 'see-the-gap')).toBe(small.gap > 10 && small.train >= 95);

    await setField(lab, 'Training digits', '8000');
    await expect.poll(() => lab.getByText('Learning from 8,000 digits').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => lab.getByRole('button', { name: 'Play', exact: true }).isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await lab.getByTestId('gap').textContent()).toBe('—'); // a new run on new data
    await playToTheEnd(lab, 3);
    const full = { gap: await shownGap(lab), train: await shownPercent(lab, 'train-accuracy'), val: await shownPercent(lab, 'val-accuracy') };

    console.log(`lesson 8, 3 epochs: 200 digits → train ${small.train} %, validation ${small.val} %, gap ${small.gap} points; 8,000 digits → train ${full.train} %, validation ${full.val} %, gap ${full.gap} points`);
    expect(small.gap).toBeGreaterThan(full.gap + 3);
    expect(full.val).toBeGreaterThan(small.val);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('a typed 200 stays 200 after Back, though a copied link had put 8000 in the address (issue 22, item 5)', async () => {
    const page = await app.browser.newPage();
    // As on a plain-http address (a LAN IP): no clipboard, so "Copy a link" puts the link in the address bar.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    const lab = await openLesson(page);
    await setField(lab, 'Training digits', '8000');
    await expect.poll(() => lab.getByText('Learning from 8,000 digits').count(), { timeout: 60_000 }).toBe(1);
    await lab.getByRole('button', { name: 'Copy a link to these settings' }).click();
    await expect.poll(() => page.url()).toContain('overfitting-lab.trainCount=8000');
    await setField(lab, 'Training digits', '200');
    await expect.poll(() => lab.getByText('Learning from 200 digits').count(), { timeout: 60_000 }).toBe(1);
    // On to lesson 9, and Back: the lab starts again from the address.
    await page.getByRole('link', { name: 'Tuning like a practitioner' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Tuning/);
    await page.goBack();
    const again = await openLesson(page, false);
    expect(await again.getByLabel('Training digits', { exact: true }).inputValue()).toBe('200');
    expect(await again.getByText('Learning from 200 digits').count()).toBe(1);
    await page.close();
  });

  it('shows a strip of augmented digits, and new random versions on request', async () => {
    const page = await app.browser.newPage();
    const lab = await openLesson(page);
    const strip = lab.getByTestId('augmentation-strip');
    await expect.poll(() => strip.locator('canvas').count(), { timeout: 30_000 }).toBe(4 * 8);
    const images = () =>
      strip.locator('canvas').evaluateAll((canvases) =>
        (canvases as HTMLCanvasElement[]).map((c) => {
          const data = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
          let ink = 0;
          for (let i = 0; i < data.length; i += 4) ink += 255 - data[i];
          return { url: c.toDataURL(), ink };
        }),
      );
    const before = await images();
    // Every image has ink: a digit moved by a pixel or two stays in the frame.
    expect(before.every((image) => image.ink > 1000)).toBe(true);
    // In each row the versions differ from the original (the first image).
    for (let row = 0; row < 4; row++) {
      const versions = before.slice(row * 8, row * 8 + 8).map((image) => image.url);
      expect(new Set(versions).size).toBeGreaterThan(4);
    }
    await strip.getByRole('button', { name: 'Show other random versions' }).click();
    await expect.poll(async () => (await images())[1].url !== before[1].url).toBe(true);
    const after = await images();
    for (let row = 0; row < 4; row++) expect(after[row * 8].url).toBe(before[row * 8].url); // the originals stay
    expect(after.filter((image, i) => image.url !== before[i].url).length).toBeGreaterThan(20);
    await page.close();
  });
});
