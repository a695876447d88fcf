// A value out of range is clamped and explained the same way whether the learner commits it with
// Enter or by leaving the field with Tab, in every number field of every widget: one page per
// lesson, every number field of its widgets in turn. (Lesson 3's and 9's widgets are lesson 2's
// and 1's with other defaults.)
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
  '01-train-a-digit-classifier',
  '02-fitting-a-line',
  '04-neural-network-curves',
  '05-decision-boundaries',
  '06-a-baseline-then-the-ladder',
  '07-convolutions',
  '08-overfitting',
];

const HUGE = '1e9';

describe('clamped values are explained on Enter and on Tab', () => {
  for (const slug of LESSONS) {
    it(`every number field of lesson ${slug.slice(0, 2)}`, async () => {
      const page = await app.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.baseUrl}#/lesson/${slug}`);
      await page.evaluate(`document.querySelectorAll('section.widget details').forEach((d) => (d.open = true))`);
      const fields = page.locator('section.widget input[inputmode="decimal"], section.widget input[inputmode="numeric"]');
      await expect.poll(() => fields.count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await page.evaluate(`document.querySelectorAll('section.widget details').forEach((d) => (d.open = true))`);
      // Settings typed before a trainer is ready would be replaced when it gets ready.
      const starters = page.locator('section.widget').getByRole('button', { name: /^(Train|Play)$/ });
      for (let i = 0; i < (await starters.count()); i++) await expect.poll(() => starters.nth(i).isEnabled(), { timeout: 90_000 }).toBe(true);
      const count = await fields.count();
      const checked: string[] = [];
      for (let i = 0; i < count; i++) {
        const field = fields.nth(i);
        const widget = page.locator(`section.widget[data-widget="${await field.evaluate((el) => el.closest('section.widget')?.getAttribute('data-widget'))}"]`);
        const label = (await field.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? el.getAttribute('aria-label'))) ?? `field ${i}`;
        await expect.poll(() => field.isEnabled(), { timeout: 90_000, message: label }).toBe(true);
        const original = await field.inputValue();
        for (const commit of ['Enter', 'Tab'] as const) {
          await field.fill(HUGE);
          await field.press(commit);
          // The message says what the value became, and the field shows it (a trainer's field once its worker took it).
          const message = widget.getByText(/must be from [-\d.e]+ to [-\d.e]+; 1000000000 was changed to [-\d.e]+\./);
          await expect.poll(() => message.count(), { timeout: 5_000, message: `${label} (${commit}): no message` }).toBe(1);
          const clampedTo = /was changed to ([-\d.e]+)\.$/.exec(((await message.textContent()) ?? '').trim())?.[1];
          await expect.poll(() => field.inputValue(), { message: `${label} (${commit})` }).toBe(clampedTo);
          // Back to its value (which clears the message) before the other key.
          await field.fill(original);
          await field.press('Tab');
          await expect
            .poll(async () => (await widget.getByText(/1000000000 was changed to/).allTextContents()).join(' | ') + ` [value ${await field.inputValue()}]`, { message: `${label} (${commit}): message stays` })
            .toBe(` [value ${original}]`);
        }
        checked.push(label);
      }
      console.log(`lesson ${slug.slice(0, 2)}: ${checked.length} number fields: ${checked.join(', ')}`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
