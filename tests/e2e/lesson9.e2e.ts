import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function openLesson(page: Page): Promise<void> {
  await page.goto(new URL('#/lesson/09-tuning', app.baseUrl).href);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Tuning like a practitioner/);
  await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
}

/**
 * The recipe lessons/09-tuning.md gives under "Stuck?" (LESSON9_RECIPE in
 * tests/ml/lesson9Recipe.test.ts): the small CNN with 3× the filters and a dense layer of 256,
 * batches of 32, one-cycle at 0.005. Best validation accuracy within 3 epochs on wasm in Node,
 * seeds 42–46: 98.10 / 98.20 / 98.00 / 98.10 / 98.15 %, a thin margin. Nearby variants did worse:
 * one-cycle at 0.004 or 0.006, or a dense layer of 512, missed in 1 of 5 seeds; batches of 64
 * missed in all 5 (97.8–97.95 %). The earlier recipe (a dense layer of 128, one-cycle at 0.01)
 * ended at 97.8–98.3 % depending on float rounding alone.
 */
const RECIPE = { filters: [24, 48], units: 256, params: 228_906, batchSize: 32, learningRate: 0.005 };

/** Every validation accuracy the status line showed, in %, in order. */
const RECORD_STATUS = `(() => {
  const status = document.querySelector('[data-testid="mnist-trainer"] [data-testid="trainer-status"]');
  window.__accuracies = [];
  new MutationObserver(() => {
    const m = /Validation accuracy: ([\\d.]+) %/.exec(status.textContent);
    if (m) window.__accuracies.push(Number(m[1]));
  }).observe(status, { childList: true, characterData: true, subtree: true });
})()`;

describe('lesson 9 in real Chromium', () => {
  it('shows the challenge with the trainer, reports the best accuracy within its epochs, and leaves it unticked below the target', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLesson(page);

    const challenge = page.getByTestId('challenge');
    expect(await challenge.textContent()).toMatch(/Challenge: 98\.0 % validation accuracy\s+within 3 epochs\./);
    expect(await challenge.getAttribute('role')).toBe('status');
    expect(await exerciseDone(page, 'challenge')).toBe(false);
    // The lesson lists the challenge among its exercises.
    await expect.poll(() => page.locator('li[data-exercise="challenge"]').textContent()).toMatch(/98 % validation accuracy within 3 epochs/);

    // One epoch of the small CNN: far from 98 %, so the challenge reports progress and stays open.
    const epochs = page.getByTestId('mnist-trainer').getByLabel('Epochs', { exact: true });
    await epochs.fill('1');
    await epochs.press('Enter');
    await page.evaluate(RECORD_STATUS);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isEnabled(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), { timeout: 150_000, interval: 250 }).toBe(true);
    await expect.poll(() => challenge.textContent()).toMatch(/Best in this run so far: [\d.]+ % at epoch (0\.\d\d|1\.00)\./);
    const shown = (await page.evaluate('window.__accuracies')) as number[];
    const best = Number(/Best in this run so far: ([\d.]+) %/.exec((await challenge.textContent()) ?? '')![1]);
    console.log(`lesson 9, 1 epoch of the small CNN on ${await page.getByTestId('backend').textContent()}: validation accuracies shown ${shown.join(', ')} %; challenge says best ${best} %`);
    expect(shown.length).toBeGreaterThan(0);
    expect(best).toBe(Math.max(...shown));
    expect(best).toBeLessThan(98);
    expect(await exerciseDone(page, 'challenge')).toBe(false);
    expect(await page.getByTestId('exercise-done').count()).toBe(0);

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  // The recipe the lesson gives under "Stuck?", measured on the wasm backend in Node (see RECIPE).
  it('ticks the challenge when a tuned run reaches 98 % within 3 epochs', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLesson(page);
    const trainer = page.getByTestId('mnist-trainer');
    await trainer.getByRole('tab', { name: 'Architecture' }).click();
    const editor = trainer.getByRole('region', { name: 'Model architecture' });
    // The small CNN, widened, with a hidden dense layer before the output.
    await editor.locator('tbody tr').nth(1).getByLabel('filters').fill(String(RECIPE.filters[0]));
    await editor.locator('tbody tr').nth(1).getByLabel('filters').dispatchEvent('change');
    await editor.locator('tbody tr').nth(3).getByLabel('filters').fill(String(RECIPE.filters[1]));
    await editor.locator('tbody tr').nth(3).getByLabel('filters').dispatchEvent('change');
    await editor.getByLabel('Layer type to add').selectOption('dense');
    await editor.locator('tbody tr').nth(6).getByLabel('units').fill(String(RECIPE.units));
    await editor.locator('tbody tr').nth(6).getByLabel('units').dispatchEvent('change');
    await expect.poll(() => editor.getByTestId('param-count').textContent()).toBe(`${RECIPE.params.toLocaleString('en')} parameters`);
    await editor.getByRole('button', { name: 'Apply architecture' }).click();
    await expect.poll(() => trainer.getByText(RECIPE.params.toLocaleString('en'), { exact: true }).count()).toBeGreaterThan(0);

    for (const [label, value] of [['Batch size', String(RECIPE.batchSize)], ['Learning rate', String(RECIPE.learningRate)]] as const) {
      const field = trainer.getByLabel(label, { exact: true });
      await field.fill(value);
      await field.press('Enter');
    }
    await trainer.getByLabel('Schedule', { exact: true }).selectOption('oneCycle');
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => exerciseDone(page, 'challenge'), { timeout: 400_000, interval: 500 }).toBe(true);
    expect(await page.getByTestId('exercise-done').textContent()).toMatch(/98 % validation accuracy within 3 epochs/);
    const best = /Best in this run so far: ([\d.]+) % at epoch ([\d.]+)\./.exec((await page.getByTestId('challenge').textContent()) ?? '')!;
    console.log(`lesson 9 recipe on ${await page.getByTestId('backend').textContent()}: best ${best[1]} % at epoch ${best[2]}`);
    expect(Number(best[1])).toBeGreaterThanOrEqual(98);
    expect(Number(best[2])).toBeLessThanOrEqual(3);
    expect(errors).toEqual([]);
    await page.close();
  }, 480_000);
});
