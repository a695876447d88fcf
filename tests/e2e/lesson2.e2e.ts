import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, shownLineLoss, startApp, watchForeignRequests, type App } from './harness';
import { generateLine } from '../../src/ml/toyData';
import { leastSquaresLine } from '../../src/ml/leastSquares';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('lesson 2 in real Chromium: fitting a line', () => {
  it('gradient descent lowers the shown loss, a hand fit ticks the exercise, and a bad CSV names its row and changes nothing', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${app.baseUrl}#/lesson/02-fitting-a-line`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/fitting a line/);
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('point-count').textContent()).toMatch(/^30 points/);

    // Play: gradient descent walks down from the flat starting line and the shown loss drops.
    const before = await shownLineLoss(page);
    expect(before).toBeGreaterThan(1);
    expect(await exerciseDone(page, 'descent-fit')).toBe(false);
    await play.click();
    await expect.poll(() => shownLineLoss(page), { timeout: 30_000, interval: 250 }).toBeLessThan(before / 10);
    await expect.poll(() => page.getByTestId('line-status').textContent()).toMatch(/after \d+ steps/);
    await expect.poll(() => exerciseDone(page, 'descent-fit'), { timeout: 20_000 }).toBe(true);

    // Reset puts the flat line back.
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect.poll(() => shownLineLoss(page)).toBeCloseTo(before, 3);
    expect(await exerciseDone(page, 'hand-fit')).toBe(false);

    // By hand: put the sliders on the least-squares line for the lesson's points (same generator, same seed).
    const best = leastSquaresLine(generateLine({ count: 30, slope: 2, intercept: -0.5, noise: 0.15, seed: 1 }));
    await page.getByTestId('slope-slider').fill(best.slope.toFixed(2));
    await page.getByTestId('intercept-slider').fill(best.intercept.toFixed(2));
    await expect.poll(() => shownLineLoss(page)).toBeLessThan(0.05);
    await expect.poll(() => page.getByTestId('hand-goal').textContent()).toMatch(/✓ You got the error under 0.05/);
    await expect.poll(() => exerciseDone(page, 'hand-fit')).toBe(true);
    const handLoss = await shownLineLoss(page);

    // A malformed CSV file: the message names the row, and the 30 points stay in use.
    await page.getByTestId('line-fitter').locator('summary', { hasText: 'Change the data' }).click();
    await page.getByTestId('csv-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n0,1\n0.5,abc\n1,3\n') });
    const message = page.getByTestId('csv-error');
    await expect.poll(() => message.textContent()).toMatch(/broken\.csv: Row 3: "abc" in column 2 is not a number\..*previous points are still in use/);
    expect(await page.getByTestId('point-count').textContent()).toMatch(/^30 points \(generated\)/);
    expect(await shownLineLoss(page)).toBe(handLoss);

    // Clicking empty space adds a point; shift-clicking it deletes it again.
    const plot = page.getByTestId('scatter-plot');
    const box = (await plot.boundingBox())!;
    const spot = { x: box.width * 0.2, y: box.height * 0.3 }; // upper left: far from every point
    await plot.click({ position: spot });
    await expect.poll(() => page.getByTestId('point-count').textContent()).toMatch(/^31 points \(generated, then edited\)/);
    await plot.click({ position: spot, modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('point-count').textContent()).toMatch(/^30 points/);

    // Dragging a point moves it: same count, a different loss for the same line.
    const lossBeforeDrag = await shownLineLoss(page);
    const point = plot.locator('circle').first();
    await point.hover();
    const p = (await point.boundingBox())!;
    await page.mouse.down();
    await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2 - 60, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => shownLineLoss(page)).not.toBe(lossBeforeDrag);
    expect(await page.getByTestId('point-count').textContent()).toMatch(/^30 points/);

    // Pasted points replace the data; the worker trains on them from the current line.
    await page.getByTestId('csv-text').fill('x,y\n-1,-2\n-0.5,-0.5\n0,1\n0.5,2.5\n1,4\n');
    await page.getByRole('button', { name: 'Use pasted points' }).click();
    await expect.poll(() => page.getByTestId('point-count').textContent()).toMatch(/^5 points \(the pasted text\)/);
    const onNewData = await shownLineLoss(page);
    expect(onNewData).toBeGreaterThan(0.5);
    await expect.poll(() => play.isEnabled()).toBe(true);
    await play.click();
    await expect.poll(() => shownLineLoss(page), { timeout: 30_000, interval: 250 }).toBeLessThan(0.01);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
