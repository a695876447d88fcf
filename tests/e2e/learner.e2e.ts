// What the learner sees and the keyboard path (issue 11): lesson 1 run with the keyboard alone
// (Tab, Enter, Space, arrows; no mouse) trains to the finished state, trains one more epoch, draws
// on the pad with the arrow keys, reads a held-out digit on the pad and ticks an exercise; on a phone-sized screen Train and the status
// are on the widget's first screen, and nothing below them moves as the run goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseDone, startApp, watchForeignRequests, type App, type Page } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/** Lesson 1 with the small MLP for one epoch: the same widget, a run of a few seconds. */
const SHORT_RUN = '#/lesson/01-train-a-digit-classifier?mnist-trainer.model=mlp&mnist-trainer.epochs=1';

/** The focused element, described for matching: its role or tag, its text or label, and a few attributes. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(),
    role: el.getAttribute('role'),
    text: (el.textContent ?? '').trim(),
    label: el.getAttribute('aria-label'),
    type: el.getAttribute('type'),
    exercise: el.closest('li[data-exercise]')?.getAttribute('data-exercise') ?? null,
    inPanel: el.closest('[role="tabpanel"]')?.id ?? null,
  };
})()`;
type Focused = { tag: string; role: string | null; text: string; label: string | null; type: string | null; exercise: string | null; inPanel: string | null } | null;

const focused = (page: Page) => page.evaluate(FOCUSED) as Promise<Focused>;

/** Presses Tab until the focused element matches; fails after `limit` presses. */
async function tabTo(page: Page, matches: (f: NonNullable<Focused>) => boolean, what: string, limit = 200): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && matches(f)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

const button = (name: string | RegExp) => (f: NonNullable<Focused>) => f.tag === 'button' && (typeof name === 'string' ? f.text === name : name.test(f.text));

describe('the learner’s view and the keyboard path, in real Chromium', () => {
  it('runs lesson 1 with the keyboard alone: train to the finished state, train more, read a held-out digit, tick an exercise', async () => {
    const page = await app.browser.newPage();
    const foreign = watchForeignRequests(page, app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(SHORT_RUN, app.baseUrl).href);
    const widget = page.getByTestId('mnist-trainer');
    const train = widget.getByRole('button', { name: 'Train', exact: true });

    // While getting ready, a disabled Train says why, and a progress bar shows how far it has come.
    const why = await train.getAttribute('aria-describedby');
    if (await train.isDisabled()) {
      expect(why).toBeTruthy();
      expect(await page.locator(`[id="${why}"]`).textContent()).toMatch(/Getting ready/);
    }
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    expect(await train.getAttribute('aria-describedby')).toBeNull();

    // Tab to Train; Enter starts training and hands focus to Pause, with a bar for the epochs.
    await tabTo(page, button('Train'), 'Train');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.text, { timeout: 10_000 }).toBe('Pause');
    expect(await train.isDisabled()).toBe(true);
    const whyRunning = await train.getAttribute('aria-describedby');
    expect(whyRunning).toBeTruthy();
    await expect.poll(() => page.locator(`[id="${whyRunning}"]`).textContent()).toMatch(/Training/);

    // The end of the run: the finished line with the real figures, focus back on Train.
    const finished = widget.getByTestId('finished');
    await expect.poll(() => finished.textContent(), { timeout: 120_000, interval: 250 }).toMatch(/^Finished 1 epoch: [\d.]+ % validation accuracy\.$/);
    const shownAccuracy = /([\d.]+) %/.exec((await finished.textContent()) ?? '')![1];
    expect(await widget.getByTestId('trainer-status').textContent()).toContain(`Validation accuracy: ${shownAccuracy} %`);
    expect(await widget.getByTestId('epoch').textContent()).toBe('1.00 / 1');
    await expect.poll(async () => (await focused(page))?.text).toBe('Train');

    // "Train 1 more epoch" goes on from these weights; the target grows, the read-out never passes it.
    await tabTo(page, button('Train 1 more epoch'), 'Train 1 more epoch');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.text, { timeout: 10_000 }).toBe('Pause');
    await expect.poll(() => widget.getByTestId('epoch').textContent()).toMatch(/ \/ 2$/);
    await expect.poll(() => finished.textContent(), { timeout: 120_000, interval: 250 }).toMatch(/^Finished 2 epochs: [\d.]+ % validation accuracy\.$/);
    expect(await widget.getByTestId('epoch').textContent()).toBe('2.00 / 2');

    // The tool tabs: one stop in the Tab order, arrows and Home/End move, Enter opens, and the
    // open panel comes right after the tabs.
    await tabTo(page, (f) => f.role === 'tab', 'the tool tabs');
    expect((await focused(page))?.text).toBe('Architecture');
    await page.keyboard.press('ArrowRight');
    expect((await focused(page))?.text).toBe('Learning-rate finder');
    await page.keyboard.press('End');
    expect((await focused(page))?.text).toBe('Show me the code');
    await page.keyboard.press('ArrowRight');
    expect((await focused(page))?.text).toBe('Architecture');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await expect.poll(() => widget.getByRole('tab', { name: 'Show me the code' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Tab');
    expect((await focused(page))?.inPanel).toMatch(/-panel-code$/);

    // The pad's keyboard paths: draw with the arrow keys and Space, and the model reads the drawing…
    await tabTo(page, (f) => f.label === 'Digit drawing pad', 'the digit pad');
    const prediction = widget.locator('[aria-live="polite"]', { hasText: /Prediction|Draw a digit/ }).first();
    expect(await prediction.textContent()).toMatch(/Draw a digit/);
    for (const key of ['Shift+ArrowUp', 'Shift+ArrowUp', 'Shift+ArrowUp', 'Space', 'Shift+ArrowDown', 'Shift+ArrowDown', 'Shift+ArrowDown', 'Shift+ArrowDown', 'Space']) await page.keyboard.press(key);
    await expect.poll(() => prediction.textContent(), { timeout: 15_000 }).toMatch(/Prediction: \d/);
    // …or a held-out digit goes onto the pad (the button just before it) and the model reads that.
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page))?.text).toBe('Load a held-out digit');
    let read = false;
    for (let k = 1; k <= 3 && !read; k++) {
      await page.keyboard.press('Enter');
      const heldOut = widget.getByTestId('held-out-digit');
      await expect.poll(() => heldOut.textContent()).toMatch(new RegExp(`^Digit ${k} of the 2,000 held-out ones`));
      const label = /labelled (\d)/.exec((await heldOut.textContent()) ?? '')![1];
      await expect.poll(() => prediction.textContent(), { timeout: 15_000 }).toMatch(/Prediction: \d/);
      read = await expect
        .poll(() => prediction.textContent(), { timeout: 3_000 })
        .toMatch(new RegExp(`Prediction: ${label}\\b`))
        .then(() => true)
        .catch(() => false);
    }
    expect(read).toBe(true);

    // An exercise ticked with Space.
    expect(await exerciseDone(page, 'fool-the-model')).toBe(false);
    await tabTo(page, (f) => f.type === 'checkbox' && f.exercise === 'fool-the-model', 'the exercise checkbox');
    await page.keyboard.press('Space');
    await expect.poll(() => exerciseDone(page, 'fool-the-model')).toBe(true);

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('on a 375×812 screen, Train and the status are on the widget’s first screen, and nothing below them moves as the run goes on', async () => {
    const page = await app.browser.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(SHORT_RUN, app.baseUrl).href);
    const widget = page.getByTestId('mnist-trainer');
    const train = widget.getByRole('button', { name: 'Train', exact: true });
    const settings = widget.locator('details.settings > summary');
    await settings.waitFor();
    /** Where the settings start, measured from the widget's top: what moves if anything above them grows. */
    const settingsOffset = async () => (await settings.boundingBox())!.y - (await widget.boundingBox())!.y;
    const offsets = [await settingsOffset()];
    const busy = await train.isDisabled();
    await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
    offsets.push(await settingsOffset());

    await widget.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const top = (await widget.boundingBox())!.y;
    for (const part of [train, widget.getByTestId('trainer-status'), widget.getByTestId('run-progress')]) {
      const box = (await part.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(top);
      expect(box.y + box.height).toBeLessThanOrEqual(top + 812);
    }

    await train.press('Enter');
    await expect.poll(() => widget.getByRole('progressbar', { name: 'Epochs trained' }).count(), { timeout: 30_000, interval: 100 }).toBe(1);
    offsets.push(await settingsOffset());
    await expect.poll(() => widget.getByTestId('finished').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/^Finished 1 epoch/);
    offsets.push(await settingsOffset());
    console.log(`375×812: settings at ${offsets.map((o) => o.toFixed(1)).join(', ')} px below the widget's top (getting ready: ${busy}, ready, training, finished)`);
    expect(new Set(offsets.map((o) => Math.round(o))).size).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
