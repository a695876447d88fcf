// Lessons 1 to 6 as a learner plays them in the course test: each exercise quotes the sentence of
// the lesson its steps follow, and uses only the lesson's own suggestions.
import { expect } from 'vitest';
import type { Locator } from 'playwright-core';
import { shownLineLoss, traceDigit } from '../harness';
import { shownDigit, type Learner } from './learner';

/** Presses Train and waits for the end of the run the widget's settings ask for. */
export async function trainToTheEnd(trainer: Locator, timeout = 240_000): Promise<void> {
  const train = trainer.getByRole('button', { name: 'Train', exact: true });
  await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
  await train.click();
  const finished = trainer.getByTestId('finished');
  await expect.poll(() => finished.textContent(), { timeout: 10_000 }).toBe('');
  await expect.poll(() => finished.textContent(), { timeout, interval: 250 }).toMatch(/^Finished \d+ epochs?/);
}

export async function lesson1(l: Learner): Promise<void> {
  const trainer = l.widget('mnist-trainer');
  await l.exercise('compare-models', 'Switch the model to **MLP** and train again. Then try **linear**.', async () => {
    // "Press Train" (the lesson's first step, with its settings), then MLP, then linear.
    for (const model of ['cnn', 'mlp', 'linear']) {
      if (model !== 'cnn') await trainer.locator('select[id$="-model"]').selectOption(model);
      await trainToTheEnd(trainer);
    }
  });

  await l.exercise('study-mistakes', 'Pick **wrong only** in the gallery and look through the model’s mistakes.', async () => {
    await trainer.getByRole('radio', { name: /wrong only/ }).check();
  });

  await l.exercise('fool-the-model', 'Draw a digit that the model gets wrong, on purpose, and say under the pad what you drew.', async () => {
    // The learner copies the mistakes it just looked at onto the pad, one by one, and says what each
    // one really is (the gallery's "is 4"), until the model misreads a drawing.
    const wrong = trainer.getByTestId('gallery-item');
    await expect.poll(() => wrong.count()).toBeGreaterThan(0);
    const tries = Math.min(12, await wrong.count());
    await l.tryUntilTicked('fool-the-model', [...Array(tries).keys()], async (k) => {
      const item = wrong.nth(k);
      const truth = /is (\d)/.exec((await item.textContent()) ?? '')![1];
      const pixels = await shownDigit(item.locator('canvas'));
      const clear = trainer.getByRole('button', { name: 'Clear', exact: true });
      if (await clear.isEnabled()) await clear.click();
      await traceDigit(l.page, pixels);
      await expect.poll(() => trainer.getByTestId('digit-pad').getAttribute('data-reading'), { timeout: 20_000 }).toBe('current');
      await trainer.getByLabel('What did you draw?').selectOption(truth);
    }, 3_000);
  });
}

export async function lesson2(l: Learner): Promise<void> {
  const page = l.page;
  await expect.poll(() => page.getByRole('button', { name: 'Play', exact: true }).isEnabled(), { timeout: 60_000 }).toBe(true);

  await l.exercise('hand-fit', 'Move the two knobs until the **mean squared error** is under **0.05**.', async () => {
    // By eye: nudge one knob at a time while the error falls, in smaller nudges as it gets close.
    const knobs = [page.getByTestId('slope-slider'), page.getByTestId('intercept-slider')];
    let error = await shownLineLoss(page);
    for (const nudge of [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01]) {
      let better = true;
      while (better && error >= 0.05) {
        better = false;
        for (const knob of knobs) {
          for (const direction of [1, -1]) {
            const before = Number(await knob.inputValue());
            await knob.fill((before + direction * nudge).toFixed(2));
            const now = await shownLineLoss(page);
            if (now < error) {
              error = now;
              better = true;
            } else await knob.fill(before.toFixed(2));
          }
        }
      }
    }
    expect(error).toBeLessThan(0.05);
  });

  await l.exercise('descent-fit', 'Press **Play** and let gradient descent find the best line.', async () => {
    await page.getByRole('button', { name: 'Play', exact: true }).click();
  });
  // After a hand fit this good, the verdict says the line was already there (issue 22, item 3).
  await expect.poll(() => page.getByTestId('convergence').textContent()).toMatch(/✓ (Reached the best line|Your line was already within 1 %)/);
}

async function playFromReset(l: Learner, learningRate: string): Promise<void> {
  // "Type a new learning rate in the box and press Enter. Then press Reset and Play."
  const box = l.page.getByRole('textbox', { name: 'Learning rate' });
  await box.fill(learningRate);
  await box.press('Enter');
  await l.page.getByRole('button', { name: 'Reset', exact: true }).click();
  const play = l.page.getByRole('button', { name: 'Play', exact: true });
  await expect.poll(() => play.isEnabled(), { timeout: 30_000 }).toBe(true);
  await play.click();
}

export async function lesson3(l: Learner): Promise<void> {
  await expect.poll(() => l.page.getByRole('button', { name: 'Play', exact: true }).isEnabled(), { timeout: 60_000 }).toBe(true);
  await l.exercise('find-divergence', '**5: far too big.** … That is *divergence*.', () => playFromReset(l, '5'));
  await expect.poll(() => l.page.getByTestId('divergence').textContent()).toMatch(/the loss blew up/);

  await l.exercise('fast-convergence', '**0.5: about right.** Big steps while the ground is steep, small ones near the bottom. About 10 steps.', () => playFromReset(l, '0.5'));
  await expect.poll(() => l.page.getByTestId('convergence').textContent()).toMatch(/✓ Reached the best line .* in \d+ steps/);

  await l.exercise('update-by-hand', 'Replace the `TODO` with the rule above, in code: `m = m - learningRate * gradientM;` and the same for `b`. Then press **Run** (or Ctrl+Enter).', () =>
    l.editAndRunCell('descent-by-hand', (code) => code.replace(/ *\/\/ TODO: take the step\.[^\n]*/, '  m = m - learningRate * gradientM;\n  b = b - learningRate * gradientB;')),
  );
}

export async function lesson4(l: Learner): Promise<void> {
  const fitter = l.widget('curve-fitter');
  const play = fitter.getByRole('button', { name: 'Play', exact: true });
  await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
  await l.exercise('small-sine', 'Fit the **sine** with **8 hidden units or fewer** in total (hidden layers × units per layer) until the **validation loss is under 0.02**.', async () => {
    await l.type(fitter, 'Units per layer', '8');
    await expect.poll(() => fitter.getByText(/8 hidden units, 25 parameters/).count(), { timeout: 20_000 }).toBe(1);
    await play.click();
  });
  await fitter.getByRole('button', { name: 'Pause' }).click();
}

export async function lesson5(l: Learner): Promise<void> {
  const playground = l.widget('classifier-playground');
  const play = playground.getByRole('button', { name: 'Play', exact: true });
  await expect.poll(() => play.isEnabled(), { timeout: 90_000 }).toBe(true);
  await l.exercise('separate-spiral', 'The starting network is too small for it: try more units, more layers, or other input features.', async () => {
    await playground.getByLabel('Data', { exact: true }).selectOption('spiral');
    // Other input features: the two sines. More units: 8 in each of the two layers.
    await playground.getByLabel('sin x₁').check();
    await playground.getByLabel('sin x₂').check();
    await l.type(playground, 'Units in layer 1', '8');
    await l.type(playground, 'Units in layer 2', '8');
    await expect.poll(() => playground.getByText('(121 parameters)').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => play.isEnabled()).toBe(true);
    await play.click();
  }, 120_000);
  await playground.getByRole('button', { name: 'Pause' }).click();
}

export async function lesson6(l: Learner): Promise<void> {
  const baseline = l.widget('digit-baseline');
  const train = baseline.getByRole('button', { name: 'Train', exact: true });
  await expect.poll(() => train.isEnabled(), { timeout: 90_000 }).toBe(true);
  await l.exercise('linear-beats-baseline', 'Press **Train** with the **linear** model.', () => train.click(), 120_000);
  await expect.poll(() => train.isEnabled(), { timeout: 120_000 }).toBe(true);

  await l.exercise('mlp-beats-baseline', 'Switch the model to **MLP** and train it to **12 points or more** above the baseline.', async () => {
    await baseline.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
    await expect.poll(() => train.isEnabled(), { timeout: 30_000 }).toBe(true);
    await train.click();
  }, 180_000);

  const ladder = l.widget('abstraction-ladder');
  await l.exercise('ladder-agrees', 'In the ladder, set the **seed to 2 or more**, pick any learning rate, and press **Run all three**.', async () => {
    await l.type(ladder, 'Seed', '2');
    const runAll = ladder.getByRole('button', { name: 'Run all three' });
    await expect.poll(() => runAll.isEnabled(), { timeout: 60_000 }).toBe(true);
    await runAll.click();
  });
  await expect.poll(() => l.page.getByTestId('ladder-status').textContent()).toMatch(/All three agree/);

  await l.exercise('raw-rung-89', 'Run it, then change it: more steps, another batch size, another learning rate.', () =>
    // More steps, until it gets there.
    l.tryUntilTicked('raw-rung-89', ['200', '400', '800'], (steps) => l.editAndRunCell('raw-tensor-rung', (code) => code.replace(/const steps = \d+;/, `const steps = ${steps};`)), 5_000).then(() => undefined),
  120_000);
}
