import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/** A percentage the page shows ("80.2 %"), or NaN while it shows none. */
async function shownPercent(page: Page, testId: string): Promise<number> {
  const match = /([\d.]+) %/.exec((await page.getByTestId(testId).textContent()) ?? '');
  return match ? Number(match[1]) : NaN;
}

/** The ladder's table as the learner reads it: for each listed step, the loss each rung shows. */
async function shownLadderLosses(page: Page): Promise<{ step: number; losses: number[] }[]> {
  const cells = await page.getByTestId('ladder-table').locator('td[data-step]').evaluateAll((tds) =>
    tds.map((td) => ({ step: Number(td.getAttribute('data-step')), rung: td.getAttribute('data-rung')!, text: td.textContent ?? '' })),
  );
  const steps = [...new Set(cells.map((c) => c.step))];
  return steps.map((step) => ({ step, losses: cells.filter((c) => c.step === step).map((c) => Number(c.text)) }));
}

async function setNumber(page: Page, widget: string, label: string, value: string): Promise<void> {
  const input = page.getByTestId(widget).getByLabel(label, { exact: true });
  await input.fill(value);
  await input.press('Enter');
}

describe('lesson 6 in real Chromium', () => {
  it('shows the baseline’s accuracy and the average digits, then the linear model and the MLP beat it', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('#/lesson/06-a-baseline-then-the-ladder', app.baseUrl).href);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Before neural nets: a baseline, then the ladder/);

    await expect.poll(() => shownPercent(page, 'baseline-accuracy'), { timeout: 90_000, interval: 250 }).toBeGreaterThan(0);
    const baseline = await shownPercent(page, 'baseline-accuracy');
    expect(baseline).toBeGreaterThan(70);
    expect(baseline).toBeLessThan(90);
    expect(await shownPercent(page, 'baseline-l1-accuracy')).toBeLessThan(baseline);
    expect(await page.getByTestId('baseline-status').textContent()).toContain(`Nearest average: ${baseline.toFixed(1)} % of the 2,000 validation digits right.`);
    const averages = page.getByTestId('digit-baseline').getByLabel(/^The average \d of \d+ training images$/);
    expect(await averages.count()).toBe(10);
    // The average 1 is a thin vertical stroke: ink in its middle column, none at its left edge.
    const ink = (await averages.nth(1).evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      const darkness = (x: number) => [...Array(28).keys()].reduce((sum, y) => sum + 255 - data[(y * 28 + x) * 4], 0);
      return { middle: darkness(14), edge: darkness(2) };
    })) as { middle: number; edge: number };
    expect(ink.middle).toBeGreaterThan(20 * ink.edge + 100);

    const widget = page.getByTestId('digit-baseline');
    const train = widget.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 30_000 }).toBe(true);
    await train.click();
    await expect.poll(() => exerciseDone(page, 'linear-beats-baseline'), { timeout: 90_000, interval: 500 }).toBe(true);
    expect(await shownPercent(page, 'linear-accuracy')).toBeGreaterThanOrEqual(baseline + 8);
    await expect.poll(() => page.getByTestId('trainer-status').textContent(), { timeout: 90_000 }).toMatch(/after 2\.00 epochs/);

    await widget.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
    await expect.poll(() => train.isEnabled(), { timeout: 30_000 }).toBe(true);
    await train.click();
    await expect.poll(() => exerciseDone(page, 'mlp-beats-baseline'), { timeout: 150_000, interval: 500 }).toBe(true);
    expect(await shownPercent(page, 'mlp-accuracy')).toBeGreaterThanOrEqual(baseline + 12);
    expect(await shownPercent(page, 'linear-accuracy')).toBeGreaterThan(baseline); // the linear run stays shown

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('runs the three rungs of the ladder, shows their code as it runs, and shows them agreeing', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('#/lesson/06-a-baseline-then-the-ladder', app.baseUrl).href);
    const ladder = page.getByTestId('abstraction-ladder');
    const runAll = ladder.getByRole('button', { name: 'Run all three' });
    await expect.poll(() => runAll.isEnabled(), { timeout: 90_000 }).toBe(true);

    // The code shown is the file the worker runs.
    const shown = await ladder.getByLabel('Code of rung 1').textContent();
    expect(shown).toBe(readFileSync('src/ml/ladder/rawTensors.ts', 'utf8'));
    expect(await ladder.getByLabel('Code of rung 3').textContent()).toBe(readFileSync('src/ml/ladder/fit.ts', 'utf8'));

    // Bad input: a clear message, and the settings stay as they were.
    await setNumber(page, 'abstraction-ladder', 'Steps', 'lots');
    await expect.poll(() => ladder.getByText(/Steps must be a number from 1 to 200/).count()).toBe(1);

    await runAll.click();
    await expect.poll(() => page.getByTestId('ladder-status').textContent(), { timeout: 60_000, interval: 250 }).toMatch(/All three agree/);
    const rows = await shownLadderLosses(page);
    expect(rows.map((r) => r.step)).toEqual([1, 10, 20, 40]);
    for (const { step, losses } of rows) {
      expect(losses, `step ${step}`).toHaveLength(3);
      for (const loss of losses) expect(Math.abs(loss - losses[0]), `step ${step}`).toBeLessThan(1e-4);
    }
    expect(rows[0].losses[0]).toBeGreaterThan(1.8); // about ln 10 before any learning
    expect(rows[3].losses[0]).toBeLessThan(rows[0].losses[0] - 0.5);
    expect(Number(await page.getByTestId('ladder-gap').textContent())).toBeLessThan(1e-4);

    // A seed of the learner's own: new batches and weights, the rungs still agree, and the exercise ticks.
    expect(await exerciseDone(page, 'ladder-agrees')).toBe(false);
    await setNumber(page, 'abstraction-ladder', 'Seed', '7');
    await expect.poll(() => ladder.getByText('Not run yet.').count()).toBe(3);
    await runAll.click();
    await expect.poll(() => exerciseDone(page, 'ladder-agrees'), { timeout: 60_000, interval: 250 }).toBe(true);
    const seven = await shownLadderLosses(page);
    expect(seven[0].losses[0]).not.toBe(rows[0].losses[0]);

    expect(errors).toEqual([]);
    await page.close();
  });
});
