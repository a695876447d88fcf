import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

// Records every text the status line shows, so the test sees the whole history of the shown loss.
const RECORD_STATUS = `(() => {
  const status = document.querySelector('[data-testid="classifier-playground"] [data-testid="trainer-status"]');
  window.__statusLog = [status.textContent];
  new MutationObserver(() => window.__statusLog.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
})()`;

async function shownTestLosses(page: Page): Promise<number[]> {
  const log = (await page.evaluate('window.__statusLog')) as string[];
  return log
    .map((t) => /test loss: ([\d.]+)/.exec(t))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

/** Shares of the heat map's cells that are clearly blue and clearly orange. */
const HEAT_COLOURS = `(() => {
  const canvas = document.querySelector('[data-testid="decision-map"] canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let blue = 0, orange = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 2] > data[i] + 60) blue++;
    else if (data[i] > data[i + 2] + 60) orange++;
  }
  const n = data.length / 4;
  return { blue: blue / n, orange: orange / n };
})()`;

// Records what the loss chart drew at each redraw, with the step the counter below it showed then.
const RECORD_CHART = `(() => {
  const widget = document.querySelector('[data-testid="classifier-playground"]');
  const canvas = widget.querySelector('.chart canvas');
  window.__chartLog = [];
  new MutationObserver(() => {
    const d = canvas.dataset;
    window.__chartLog.push({ lastX: Number(d.lastX), points: Number(d.heldOutPoints), heldOutLastX: Number(d.heldOutLastX), counter: Number(widget.dataset.steps) });
  }).observe(canvas, { attributes: true });
})()`;

interface ChartDraw {
  lastX: number;
  points: number;
  heldOutLastX: number;
  counter: number;
}

/** What the chart drew last, and the step the counter below it shows, read together. */
const chartAndCounter = (page: Page) =>
  page.getByTestId('classifier-playground').evaluate((widget: HTMLElement) => {
    const d = widget.querySelector<HTMLCanvasElement>('.chart canvas')!.dataset;
    return { lastX: Number(d.lastX), heldOutLastX: Number(d.heldOutLastX), counter: Number(widget.dataset.steps) };
  });

async function setNumber(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByTestId('classifier-playground').getByLabel(label, { exact: true });
  await input.fill(value);
  await input.press('Enter');
}

describe('lesson 5 in real Chromium', () => {
  it('separates the spiral: the shown test loss drops below 0.1 and the exercise ticks', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(new URL('#/lesson/05-decision-boundaries', app.baseUrl).href);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/Classification and decision boundaries/);
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
    const exercise = page.locator('li[data-exercise="separate-spiral"] input[type="checkbox"]');
    expect(await exercise.isChecked()).toBe(false);

    // Settings that work: the spiral, x₁, x₂, sin x₁, sin x₂, two hidden layers of 8 (tanh).
    const widget = page.getByTestId('classifier-playground');
    await widget.getByLabel('Data', { exact: true }).selectOption('spiral');
    await widget.getByLabel('sin x₁').check();
    await widget.getByLabel('sin x₂').check();
    await setNumber(page, 'Units in layer 1', '8');
    await setNumber(page, 'Units in layer 2', '8');
    // 4 inputs → 8 → 8 → 1: 40 + 72 + 9 weights and biases.
    await expect.poll(() => widget.getByText('(121 parameters)').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => play.isEnabled()).toBe(true);
    expect(await page.getByTestId('trainer-status').textContent()).toMatch(/Ready: press Play/);

    await page.evaluate(RECORD_STATUS);
    await play.click();
    await expect
      .poll(async () => Math.min(...(await shownTestLosses(page))), { timeout: 60_000, interval: 250 })
      .toBeLessThan(0.1);
    const losses = await shownTestLosses(page);
    expect(losses[0]).toBeGreaterThan(0.3); // the first evaluation, after one epoch: not separated yet
    await expect.poll(() => exercise.isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('exercise-done').textContent()).toMatch(/spiral is separated/);

    // The heat map shows both classes over the plane.
    await expect
      .poll(async () => {
        const { blue, orange } = (await page.evaluate(HEAT_COLOURS)) as { blue: number; orange: number };
        return Math.min(blue, orange);
      })
      .toBeGreaterThan(0.2);
    const steps = Number(await page.getByTestId('classifier-playground').getAttribute('data-steps'));
    expect(steps).toBeGreaterThan(100);

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => play.isEnabled()).toBe(true);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a test-loss point every 10 steps and keeps the chart level with the step counter (issue 22, item 8)', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('#/lesson/05-decision-boundaries', app.baseUrl).href);
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
    const widget = page.getByTestId('classifier-playground');
    await page.evaluate(RECORD_CHART);
    await play.click();
    await expect.poll(async () => (await chartAndCounter(page)).lastX, { timeout: 60_000 }).toBeGreaterThanOrEqual(300);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => play.isEnabled()).toBe(true);

    // Paused, the chart ends where the counter stands: its training loss and its last test loss.
    await expect
      .poll(async () => {
        const { lastX, heldOutLastX, counter } = await chartAndCounter(page);
        return { chartBehindBy: counter - lastX, testLossBehindBy: counter - heldOutLastX };
      }, { timeout: 10_000 })
      .toEqual({ chartBehindBy: 0, testLossBehindBy: 0 });
    const { counter } = await chartAndCounter(page);
    const note = await widget.locator('p.note', { hasText: /Step [\d,]+ ·/ }).textContent();
    expect(Number(/Step ([\d,]+) ·/.exec(note!)![1].replaceAll(',', ''))).toBe(counter);

    // At every redraw while it trained: a test-loss point per 10 steps (the first at step 1), the
    // last at most one evaluation behind the training loss, whatever the machine's speed.
    const draws = ((await page.evaluate('window.__chartLog')) as ChartDraw[]).filter((d) => d.lastX > 0 && d.lastX <= 3000);
    expect(draws.length).toBeGreaterThan(0);
    for (const d of draws) {
      expect(d.lastX, 'a redraw shows the step the counter shows').toBe(d.counter);
      expect(d.points, `test-loss points drawn by step ${d.lastX}`).toBeGreaterThanOrEqual(Math.floor(d.lastX / 10));
      expect(d.heldOutLastX, `the last test-loss point when the training loss reached step ${d.lastX}`).toBeGreaterThanOrEqual(d.lastX - 10);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
