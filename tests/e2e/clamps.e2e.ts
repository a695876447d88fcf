// A value out of range is clamped and explained the same way whether the learner commits it with
// Enter or by leaving the field with Tab, in every widget that has a learning rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const LESSONS = [
  ['01-train-a-digit-classifier', 'mnist-trainer', 'Train'],
  ['03-gradient-descent', 'line-fitter', 'Play'],
  ['04-neural-network-curves', 'curve-fitter', 'Play'],
  ['05-decision-boundaries', 'classifier-playground', 'Play'],
] as const;

describe('clamped values are explained on Enter and on Tab', () => {
  for (const [slug, widget, train] of LESSONS) {
    it(`${widget} (lesson ${slug.slice(0, 2)})`, async () => {
      const page = await app.browser.newPage();
      await page.goto(`${app.baseUrl}#/lesson/${slug}`);
      const card = page.getByTestId(widget);
      await expect.poll(() => card.getByRole('button', { name: train, exact: true }).isEnabled(), { timeout: 90_000 }).toBe(true);
      const box = card.getByRole('textbox', { name: 'Learning rate', exact: true });
      for (const commit of ['Enter', 'Tab'] as const) {
        await box.fill('1e9');
        await box.press(commit);
        await expect.poll(() => box.inputValue()).toBe('10');
        await expect.poll(() => card.getByText(/Learning rate must be from [\d.e-]+ to 10; 1000000000 was changed to 10\./).count(), { timeout: 5_000 }).toBeGreaterThan(0);
        // Back to a sane value (which clears the message) before trying the other key.
        await box.fill('0.01');
        await box.press('Tab');
        await expect.poll(() => card.getByText(/was changed to 10/).count()).toBe(0);
      }
      await page.close();
    });
  }
});
