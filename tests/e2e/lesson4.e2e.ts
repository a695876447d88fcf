import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

// Records every text the status line shows (it changes a few times a second), so a test can
// read the whole history of the shown loss rather than hope to sample the right moment.
const RECORD_STATUS = `(() => {
  const status = document.querySelector('[data-testid="curve-fitter"] [data-testid="trainer-status"]');
  window.__statusLog = [status.textContent];
  new MutationObserver(() => window.__statusLog.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
})()`;

async function shownLosses(page: Page, which: 'Training' | 'validation'): Promise<number[]> {
  const log = (await page.evaluate('window.__statusLog')) as string[];
  const pattern = which === 'Training' ? /Training loss: ([\d.]+)/ : /validation loss: ([\d.]+)/;
  return log
    .map((t) => pattern.exec(t))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

async function openLesson(page: Page): Promise<void> {
  await page.goto(new URL('#/lesson/04-neural-network-curves', app.baseUrl).href);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/From lines to curves/);
  const play = page.getByRole('button', { name: 'Play', exact: true });
  await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
}

describe('lesson 4 in real Chromium', () => {
  it('Play fits the sine: the shown loss drops, and a small network ticks the exercise', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLesson(page);
    const status = page.getByTestId('trainer-status');
    await expect.poll(() => status.textContent()).toMatch(/Ready: press Play/);

    await page.evaluate(RECORD_STATUS);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // The first evaluation (after one epoch) shows the untrained fit; within seconds it is far lower.
    await expect
      .poll(async () => (await shownLosses(page, 'validation')).at(-1) ?? Infinity, { timeout: 30_000, interval: 250 })
      .toBeLessThan(0.03);
    const validation = await shownLosses(page, 'validation');
    const training = await shownLosses(page, 'Training');
    expect(validation[0]).toBeGreaterThan(0.1);
    expect(validation.at(-1)!).toBeLessThan(validation[0] / 3);
    expect(training.at(-1)!).toBeLessThan(training[0] / 3);

    // The exercise: 8 hidden units or fewer, validation loss under 0.02. Changing the units
    // rebuilds the model and keeps playing.
    expect(await exerciseDone(page, 'small-sine')).toBe(false);
    const units = page.getByTestId('curve-fitter').getByLabel('Units per layer');
    await units.fill('8');
    await units.press('Enter');
    await expect
      .poll(() =>
        page
          .getByTestId('curve-fitter')
          .getByText(/8 hidden units, 25 parameters/)
          .count(),
      )
      .toBe(1);
    await expect.poll(() => page.getByTestId('exercise-done').count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => exerciseDone(page, 'small-sine'))
      .toBe(true);

    // Show hidden units: the plot keeps drawing (the option asks the worker for the hidden layer).
    await page.getByTestId('curve-fitter').getByLabel('Show hidden units').check();
    await expect.poll(() => page.getByText('what each unit of the last hidden layer adds').count()).toBe(1);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Play', exact: true }).isEnabled()).toBe(true);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a clear message for a malformed CSV and keeps the previous data; good data replaces it', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLesson(page);
    const legend = page.locator('[data-testid="curve-fitter"] .legend');
    await expect.poll(() => legend.textContent()).toMatch(/training \(150\).*validation \(50\)/s);
    const dataSelect = page.getByTestId('curve-fitter').getByLabel('Data', { exact: true });
    expect(await dataSelect.inputValue()).toBe('sine');

    await page.getByTestId('curve-fitter').getByText('Use your own data').click();
    // A pasted table with a word where a number should be.
    await page.getByTestId('csv-text').fill('x,y\n0.5,1\n1.5,abc\n2,3\n');
    await page.getByRole('button', { name: 'Use pasted points' }).click();
    const error = page.getByTestId('csv-error');
    await expect
      .poll(() => error.textContent())
      .toMatch(/Row 3: "abc" in column 2 is not a number\..*previous points are still in use/);
    expect(await error.getAttribute('role')).toBe('alert');
    // A file with decimal commas.
    await page
      .getByTestId('csv-file')
      .setInputFiles({ name: 'prices.csv', mimeType: 'text/csv', buffer: Buffer.from('x;y\n1,5;2\n2,5;3\n') });
    await expect
      .poll(() => error.textContent())
      .toMatch(/prices\.csv: Row 2: "1,5" in column 1 uses a comma as the decimal mark/);
    // The previous data is still the one shown and trained on.
    expect(await legend.textContent()).toMatch(/training \(150\).*validation \(50\)/s);
    expect(await dataSelect.inputValue()).toBe('sine');

    // Good data is taken up: 8 points, 6 to train on, 2 held back.
    await page.getByTestId('csv-text').fill('x,y\n0,0\n1,1\n2,4\n3,9\n4,16\n5,25\n6,36\n7,49\n');
    await page.getByRole('button', { name: 'Use pasted points' }).click();
    await expect.poll(() => page.getByTestId('csv-note').textContent()).toMatch(/Loaded 8 points from the pasted text/);
    expect(await page.getByTestId('csv-error').count()).toBe(0);
    await expect.poll(() => legend.textContent()).toMatch(/training \(6\).*validation \(2\)/s);
    expect(await dataSelect.inputValue()).toBe('custom');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('trainer-status').textContent(), { timeout: 20_000 })
      .toMatch(/Training loss: [\d.]+/);

    expect(errors).toEqual([]);
    await page.close();
  });
});
