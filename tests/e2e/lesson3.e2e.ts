import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, shownLineLoss, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function setLearningRate(page: Page, value: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Learning rate' });
  await box.fill(value);
  await box.press('Enter');
}

describe('lesson 3 in real Chromium: the learning rate', () => {
  it('an absurd learning rate diverges, is caught and explained, and the page keeps working at a sane one', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${app.baseUrl}#/lesson/03-gradient-descent`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Gradient descent and the learning rate/);
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 60_000 }).toBe(true);
    const start = await shownLineLoss(page);
    expect(start).toBeGreaterThan(1);

    // Far too large: the loss explodes within a few steps; training pauses and the page says why and what to try.
    await setLearningRate(page, '5');
    await play.click();
    const alert = page.getByTestId('divergence');
    await expect.poll(() => alert.isVisible(), { timeout: 20_000 }).toBe(true);
    const explanation = (await alert.textContent()) ?? '';
    expect(explanation).toMatch(/the loss blew up/);
    expect(explanation).toMatch(/learning rate of 5, each step overshoots/);
    expect(explanation).toMatch(/Try a smaller learning rate/);
    await expect.poll(() => exerciseDone(page, 'find-divergence')).toBe(true);
    expect(await page.getByRole('button', { name: 'Pause', exact: true }).isEnabled()).toBe(false);
    // The line is back where this run started, so the loss shown is finite again.
    await expect.poll(() => shownLineLoss(page)).toBeCloseTo(start, 2);

    // Still working: lower the rate, Play again, and the loss drops to the bottom quickly.
    expect(await exerciseDone(page, 'fast-convergence')).toBe(false);
    await setLearningRate(page, '0.5');
    await play.click();
    await expect.poll(() => shownLineLoss(page), { timeout: 30_000, interval: 250 }).toBeLessThan(start / 10);
    await expect.poll(() => page.getByTestId('convergence').textContent(), { timeout: 20_000 }).toMatch(/✓ Reached the best line .* in \d+ steps/);
    await expect.poll(() => exerciseDone(page, 'fast-convergence')).toBe(true);
    expect(await alert.isVisible()).toBe(false);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
