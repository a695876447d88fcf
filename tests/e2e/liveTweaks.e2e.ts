import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App, type Page } from './harness';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp();
  page = await app.browser.newPage();
  // A run long enough to still be going when the test changes settings and pauses it (the
  // lesson's 3 epochs can end within a few seconds).
  await page.goto(new URL('#/lesson/01-train-a-digit-classifier?mnist-trainer.epochs=20', app.baseUrl).href);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.waitFor();
  for (let t = 0; !(await train.isEnabled()); t++) {
    if (t > 450) throw new Error('the trainer never became ready');
    await page.waitForTimeout(200);
  }
});
afterAll(async () => {
  await app?.close();
});

const status = () => page.getByTestId('trainer-status').textContent();
const field = (label: string) => page.getByLabel(label, { exact: true });

async function setField(label: string, value: string): Promise<void> {
  await field(label).fill(value);
  await field(label).press('Enter');
}

describe('tweaking training live in real Chromium', () => {
  it('changes the learning rate and optimizer while training: marked on the chart, training goes on', async () => {
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(status, { timeout: 60_000 }).toMatch(/Validation accuracy/);
    await setField('Learning rate', '0.002');
    await field('Optimizer').selectOption('momentum');
    const log = page.getByTestId('change-log');
    await expect.poll(() => log.textContent(), { timeout: 20_000 }).toMatch(/lr 0\.002/);
    await expect.poll(() => log.textContent(), { timeout: 20_000 }).toMatch(/opt momentum/);
    // Training continues after the changes: the shown accuracy keeps being updated.
    const before = await status();
    await expect.poll(status, { timeout: 60_000 }).not.toBe(before);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
  });

  it('runs the learning-rate finder and applies its suggestion', async () => {
    await page.getByRole('tab', { name: 'Learning-rate finder' }).click();
    await page.getByRole('button', { name: 'Find learning rate' }).click();
    const suggestion = page.getByTestId('lr-suggestion');
    await expect.poll(() => suggestion.textContent(), { timeout: 90_000 }).toMatch(/Suggested learning rate: [\d.e-]+/);
    const value = /([\d.e-]+)\s*$/.exec((await suggestion.textContent())!.trim())![1];
    await page.getByRole('button', { name: `Use ${value}` }).click();
    await expect.poll(() => field('Learning rate').inputValue()).toBe(String(Number(value)));
    expect(Number(value)).toBeGreaterThan(1e-5);
    expect(Number(value)).toBeLessThan(1);
  });

  it('pauses with an explanation when an absurd learning rate diverges, then recovers at a sane one', async () => {
    await field('Optimizer').selectOption('adam');
    await field('Schedule').selectOption('constant'); // a rate of 10 itself, not one warming up to it
    await setField('Learning rate', '10');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const alert = page.getByTestId('divergence');
    await expect.poll(() => alert.textContent(), { timeout: 60_000 }).toMatch(/learning rate \(10\) is most likely too large/);
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
    // NaN never reaches the page.
    expect(await status()).not.toMatch(/NaN|Infinity/);
    await setField('Learning rate', '0.003');
    const atRecovery = await status();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(0);
    // New evaluations arrive and the model is still a good classifier: training really goes on.
    await expect.poll(status, { timeout: 90_000 }).not.toBe(atRecovery);
    await expect.poll(async () => Number(/([\d.]+) %/.exec((await status()) ?? '')?.[1] ?? 0), { timeout: 90_000 }).toBeGreaterThan(85);
    // Stop it for the next test, unless the run has already finished its epochs (it is fast now).
    const pause = page.getByRole('button', { name: 'Pause' });
    if (await pause.isEnabled()) await pause.click();
    await expect.poll(() => page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
  });

  // How each control clamps or rejects a typed value is unit-tested against the schema (tests/ml/schema.test.ts).
  it('explains an invalid architecture and will not train it; shows code for the valid one', async () => {
    await setField('Learning rate', '10');
    await setField('Batch size', '13');
    await expect.poll(() => field('Batch size').inputValue()).toBe('13');
    await page.getByRole('tab', { name: 'Architecture' }).click();
    await page.getByLabel('Layer type to add').selectOption('conv2d');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Put convolutions before Flatten' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Apply architecture' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Undo edits' }).click();
    await page.getByRole('tab', { name: 'Show me the code' }).click();
    const code = (await page.getByTestId('generated-code').textContent()) ?? '';
    expect(code).toMatch(/tf\.layers\.conv2d\(\{ inputShape: \[28, 28, 1\], filters: 8/);
    expect(code).toMatch(/tf\.train\.adam\(10\)/);
    expect(code).toMatch(/batchSize = 13/);
  });
});
