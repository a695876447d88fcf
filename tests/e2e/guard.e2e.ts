// The divergence guard in real Chromium (issue 11): lesson 1 with SGD at learning rate 10 collapses
// to chance, pauses and puts back its best weights; lesson 5's playground at 10 swings and is
// warned about while it trains on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

// Logs, in order, every text the status line shows and the moment the divergence alert appears.
const RECORD = `(() => {
  const card = document.querySelector('[data-testid="mnist-trainer"]');
  const status = card.querySelector('[data-testid="trainer-status"]');
  const log = (window.__log = [status.textContent.trim()]);
  new MutationObserver(() => {
    const text = status.textContent.trim();
    if (text !== log.at(-1)) log.push(text);
    if (card.querySelector('[data-testid="divergence"]') && !log.includes('ALERT')) log.push('ALERT');
  }).observe(card, { childList: true, characterData: true, subtree: true });
})()`;

const accuracies = (texts: string[]) => texts.map((t) => /^Validation accuracy: ([\d.]+) %/.exec(t)).filter((m) => m !== null).map((m) => Number(m[1]));

describe('the guard in real Chromium', () => {
  it('lesson 1 with SGD at learning rate 10 (from a link) pauses with the collapse message and restores weights that score at least what they scored before', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A constant rate of 10 (lesson 1 itself warms up with one-cycle, from 10 / 25), and a run long
    // enough for the evaluations the collapse detector needs (3 epochs can end within seconds).
    await page.goto(`${app.baseUrl}#/lesson/01-train-a-digit-classifier?mnist-trainer.optimizer=sgd&mnist-trainer.learningRate=10&mnist-trainer.schedule=constant&mnist-trainer.epochs=20`);
    const card = page.getByTestId('mnist-trainer');
    const train = card.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    expect(await card.getByRole('textbox', { name: 'Learning rate', exact: true }).inputValue()).toBe('10');

    await page.evaluate(RECORD);
    await train.click();
    const alert = card.getByTestId('divergence');
    await expect.poll(() => alert.count(), { timeout: 120_000, interval: 500 }).toBe(1);
    const message = (await alert.textContent()) ?? '';
    expect(message).toMatch(/^Training paused: the model collapsed to guessing\./);
    expect(message).toMatch(/validation accuracy fell to [\d.]+ %, no better than guessing \(10\.0 %\)/);
    expect(message).toMatch(/Try a learning rate 10 to 100× smaller, or switch to Adam/);
    const claimed = /the weights from step \d+ \(([\d.]+) % validation accuracy\) are restored/.exec(message);
    expect(claimed, message).not.toBeNull();

    // Before: every accuracy shown until the alert. After: the restored weights, measured again
    // (the status line then shows them, whatever the last evaluation before the collapse was).
    const log = (await page.evaluate('window.__log')) as string[];
    const before = accuracies(log.slice(0, log.indexOf('ALERT')));
    expect(before.length, log.join(' | ')).toBeGreaterThanOrEqual(2); // evaluations are spaced to 5 % of the time: two or more before the pause
    await expect.poll(async () => accuracies((await page.evaluate('window.__log')) as string[]).at(-1), { timeout: 30_000 }).toBe(Number(claimed![1]));
    const after = accuracies((await page.evaluate('window.__log')) as string[]).at(-1)!;
    expect(after).toBeGreaterThanOrEqual(Math.max(...before));
    // Paused: no more steps, and Train can start again.
    await expect.poll(() => train.isEnabled()).toBe(true);
    console.log(`collapse: accuracies shown before ${before.join(', ')} %; restored weights measured at ${after} %`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lesson 5’s playground at learning rate 10 shows the instability notice while training goes on', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.baseUrl}#/lesson/05-decision-boundaries?classifier-playground.learningRate=10`);
    const card = page.getByTestId('classifier-playground');
    const play = card.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
    expect(await card.getByRole('textbox', { name: 'Learning rate', exact: true }).inputValue()).toBe('10');
    const steps = async () => Number(await card.getAttribute('data-steps'));

    // The notice holds only while the swings do (evaluations come 4 times a second): log each time
    // it appears, with the step count then, rather than hoping a poll catches it.
    await page.evaluate(`(() => {
      const card = document.querySelector('[data-testid="classifier-playground"]');
      const status = card.querySelector('[data-testid="trainer-status"]');
      window.__notices = [];
      window.__losses = [];
      new MutationObserver(() => {
        const notice = card.querySelector('[data-testid="training-notice"]');
        if (notice && window.__notices.at(-1)?.text !== notice.textContent) window.__notices.push({ step: Number(card.dataset.steps), text: notice.textContent });
        if (!notice && window.__notices.length && window.__notices.at(-1).text !== null) window.__notices.push({ step: Number(card.dataset.steps), text: null });
        const loss = /test loss: ([\\d.]+)/.exec(status.textContent);
        if (loss && window.__losses.at(-1) !== loss[1]) window.__losses.push(loss[1]);
      }).observe(card, { childList: true, characterData: true, subtree: true, attributes: true });
    })()`);
    await play.click();
    const notices = () => page.evaluate('window.__notices') as Promise<{ step: number; text: string | null }[]>;
    const losses = async () => ((await page.evaluate('window.__losses')) as string[]).join(' ');
    await expect.poll(async () => (await notices()).length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0).catch(async () => {
      throw new Error(`no instability notice; at step ${await steps()}, test losses shown: ${await losses()}`);
    });
    const first = (await notices())[0];
    expect(first.text).toMatch(/The loss is jumping around rather than falling: the learning rate is probably too large\. Training goes on/);
    const atNotice = first.step;
    // Training goes on: more steps, no pause, no divergence alert.
    await expect.poll(steps, { timeout: 20_000 }).toBeGreaterThan(atNotice + 50);
    expect(await card.getByRole('button', { name: 'Pause', exact: true }).isEnabled()).toBe(true);
    expect(await card.getByTestId('divergence').count()).toBe(0);
    console.log(`instability: notice at step ${atNotice}, ${await steps()} steps a moment later; shown ${(await notices()).filter((n) => n.text).length} times; test losses ${((await page.evaluate('window.__losses')) as string[]).slice(0, 40).join(' ')}`);
    await card.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => play.isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
