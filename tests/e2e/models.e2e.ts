import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, traceDigit, watchForeignRequests, type App, type Page } from './harness';

let app: App;
let dir: string;
beforeAll(async () => {
  app = await startApp();
  dir = mkdtempSync(join(tmpdir(), 'gradient-lab-downloads-'));
});
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openLesson1(page: Page): Promise<void> {
  await page.goto(app.baseUrl);
  await page.getByRole('link', { name: /Your first digit classifier/ }).first().click();
  await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
}

async function shownAccuracy(page: Page): Promise<number | null> {
  const text = (await page.getByTestId('trainer-status').textContent()) ?? '';
  const match = /Validation accuracy: ([\d.]+) %/.exec(text);
  return match ? Number(match[1]) : null;
}

async function shownEpoch(page: Page): Promise<number> {
  return Number.parseFloat((await page.locator('dt', { hasText: /^Epoch$/ }).locator('+ dd').textContent()) ?? 'NaN');
}

async function openSavedModels(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Saved models' }).click();
}

/** The probability bars under the pad, as the heights they are drawn with. */
function probabilityBars(page: Page): Promise<string[]> {
  return page.locator('ol[aria-label="Probability of each digit"] .bar').evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.height));
}

/**
 * Draws the 7 on the pad and returns the probabilities shown. Drawn twice (cleared between) so the
 * page's layout has settled: the first drawing of a page moves things below the pad as it appears.
 */
async function readSeven(page: Page): Promise<string[]> {
  await traceDigit(page, seven());
  await expect.poll(async () => (await probabilityBars(page)).some((h) => h !== '0%'), { timeout: 15_000 }).toBe(true);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect.poll(async () => (await probabilityBars(page)).every((h) => h === '0%')).toBe(true);
  await traceDigit(page, seven());
  await expect.poll(async () => (await probabilityBars(page)).some((h) => h !== '0%'), { timeout: 15_000 }).toBe(true);
  // The bars show the reading of the whole drawing, not of one of its strokes (the pad says so: data-reading).
  await expect.poll(() => page.getByTestId('digit-pad').getAttribute('data-reading'), { timeout: 15_000 }).toBe('current');
  return probabilityBars(page);
}

/** A hand-made 7: a bar across the top and a diagonal stroke down. */
function seven(): Uint8Array {
  const pixels = new Uint8Array(784);
  for (let c = 7; c <= 20; c++) for (let r = 6; r <= 7; r++) pixels[r * 28 + c] = 255;
  for (let r = 8; r <= 22; r++) {
    const c = Math.round(20 - (r - 8) * 0.55);
    pixels[r * 28 + c] = 255;
    pixels[r * 28 + c + 1] = 255;
  }
  return pixels;
}

describe('saved and shared models in real Chromium', () => {
  it('trains, saves, reloads, loads the model back and trains on from its accuracy', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLesson1(page);
    await page.locator('select[id$="-model"]').selectOption('mlp');
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => page.getByTestId('trainer-status').textContent(), { timeout: 120_000 }).toMatch(/Validation accuracy/);
    await expect.poll(() => shownEpoch(page), { timeout: 120_000, interval: 500 }).toBe(3); // lesson 1 trains 3 epochs
    // The epoch count reaches 3 before the last evaluation arrives (CI saw 94.3 % read, 94.8 % saved):
    // wait until the run is over (Train is back) and its finished line and status show the same accuracy.
    await expect
      .poll(
        async () => {
          if (!(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled())) return false;
          const finished = /^Finished 3 epochs: ([\d.]+) %/.exec((await page.getByTestId('finished').textContent()) ?? '')?.[1];
          return finished !== undefined && Number(finished) === (await shownAccuracy(page));
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const saved = (await shownAccuracy(page))!;
    expect(saved).toBeGreaterThan(85);

    await openSavedModels(page);
    await page.getByLabel('Name', { exact: true }).fill('my MLP');
    await page.getByRole('button', { name: 'Save this model' }).click();
    await expect.poll(() => page.getByTestId('library-status').textContent()).toMatch(new RegExp(`Saved “my MLP” \\(${saved.toFixed(1)} %\\)`));

    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
    expect(await shownAccuracy(page)).toBeNull();
    await openSavedModels(page);
    const item = page.getByTestId('saved-model').filter({ hasText: 'my MLP' });
    await expect.poll(() => item.textContent()).toMatch(new RegExp(`MLP \\(one hidden layer\\) · ${saved.toFixed(1)} % validation accuracy · lesson “.+” · `));
    await page.getByRole('button', { name: 'Load “my MLP”' }).click();
    await expect.poll(() => page.getByTestId('library-status').textContent(), { timeout: 30_000 }).toMatch(/Loaded “my MLP”: validation accuracy/);
    // The model as saved: the same accuracy, the epoch count it reached, the MLP in the picker.
    expect(await shownAccuracy(page)).toBe(saved);
    expect(await shownEpoch(page)).toBe(3);
    expect(await page.locator('select[id$="-model"]').inputValue()).toBe('mlp');

    // Training goes on from there: its first evaluation is near the saved accuracy, not a fresh model's.
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => shownEpoch(page), { timeout: 60_000, interval: 200 }).toBeGreaterThan(3.2);
    await expect.poll(() => shownAccuracy(page), { timeout: 30_000 }).not.toBeNull();
    expect(await shownAccuracy(page)).toBeGreaterThan(saved - 2);
    // The MLP's 3 more epochs take about a second: the run may already have finished.
    await page.getByRole('button', { name: 'Pause' }).click({ timeout: 2000 }).catch(() => undefined);
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 30_000 }).toBe(true);

    // Delete asks first, from the keyboard too: Escape keeps it, the confirm button deletes it.
    await page.getByRole('button', { name: 'Delete “my MLP”' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await page.keyboard.press('Escape');
    await expect.poll(() => item.count()).toBe(1);
    await page.getByRole('button', { name: 'Delete “my MLP”' }).click();
    await page.getByRole('group', { name: 'Confirm deleting “my MLP”' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('no-saved-models').isVisible()).toBe(true);
    expect(await page.getByTestId('library-status').textContent()).toMatch(/^\s*Deleted “my MLP”\.\s*$/);
    // The weights are gone from tfjs's IndexedDB too: both of its stores are empty (one transaction deleted them).
    const left = await page.evaluate(
      () =>
        new Promise<number[]>((resolve, reject) => {
          const open = indexedDB.open('tensorflowjs', 1);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const stores = ['models_store', 'model_info_store'];
            const transaction = open.result.transaction(stores, 'readonly');
            const counts = stores.map((name) => transaction.objectStore(name).count());
            transaction.oncomplete = () => resolve(counts.map((c) => c.result));
          };
        }),
    );
    expect(left).toEqual([0, 0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('downloads the model files and uploads them into a fresh page, which reads a drawn digit the same way', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Blob downloads and file uploads stay inside the app's content policy.
    const recordViolations = `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));`;
    await page.addInitScript(recordViolations);
    await openLesson1(page);
    await page.locator('select[id$="-model"]').selectOption('mlp');
    await page.getByLabel('Epochs').fill('1');
    await page.getByLabel('Epochs').press('Tab');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => page.getByTestId('trainer-status').textContent(), { timeout: 120_000 }).toMatch(/Validation accuracy/);
    // One epoch, then it stops: the model the pad reads is the model downloaded.
    await expect.poll(() => page.locator('dt', { hasText: /^Epoch$/ }).locator('+ dd').textContent(), { timeout: 120_000, interval: 500 }).toBe('1.00 / 1');
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
    const drawnHere = await readSeven(page);

    await openSavedModels(page);
    const downloads: { name: string; path: string }[] = [];
    page.on('download', async (download) => {
      const path = join(dir, download.suggestedFilename());
      await download.saveAs(path);
      downloads.push({ name: download.suggestedFilename(), path });
    });
    await page.getByRole('button', { name: 'Download model files' }).click();
    await expect.poll(() => downloads.length, { timeout: 15_000 }).toBe(2);
    expect(downloads.map((d) => d.name).sort()).toEqual(['model.json', 'model.weights.bin']);
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    expect(statSync(join(dir, 'model.weights.bin')).size).toBe(4 * (784 * 128 + 128 + 1290));

    const fresh = await app.browser.newPage();
    fresh.on('pageerror', (e) => errors.push(e.message));
    await fresh.addInitScript(recordViolations);
    await openLesson1(fresh);
    await openSavedModels(fresh);
    // A bad pick first: the weights alone get a message, and the trainer keeps its model.
    await fresh.getByLabel('Upload model files (pick both)').setInputFiles([join(dir, 'model.weights.bin')]);
    await expect.poll(() => fresh.getByTestId('library-problem').textContent(), { timeout: 2000 }).toMatch(/Pick the model\.json file/);
    await fresh.getByLabel('Upload model files (pick both)').setInputFiles([join(dir, 'model.json'), join(dir, 'model.weights.bin')]);
    await expect.poll(() => fresh.getByTestId('library-status').textContent(), { timeout: 30_000 }).toMatch(/Uploaded model\.json: validation accuracy/);
    expect(await fresh.locator('select[id$="-model"]').inputValue()).toBe('mlp');
    expect(await shownAccuracy(fresh)).toBe(await shownAccuracy(page));
    expect(await readSeven(fresh)).toEqual(drawnHere);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    for (const p of [page, fresh]) expect(await p.evaluate('window.__violations')).toEqual([]);
    await page.close();
    await fresh.close();
  });
});
