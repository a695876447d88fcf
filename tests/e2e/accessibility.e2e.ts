// Issue 11, item 11: axe-core finds nothing wrong on any lesson, in the light theme and the dark
// one, after the lesson's widget has trained a little (so charts, read-outs and results are there).
// One browser for all twelve lessons; each trains only until its first steps or evaluation.
import { readdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App, type Page } from './harness';
import { openLesson, trainBriefly } from './lessonPages';

const LESSONS = readdirSync('lessons')
  .filter((name) => name.endsWith('.md'))
  .map((name) => name.slice(0, -3))
  .sort();

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/** Puts the page in `theme` with the header's toggle. */
async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByTestId('theme-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== String(theme === 'dark')) await toggle.click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
  // Colours that ease into the new theme (a 0.15 s transition) are checked once they are there,
  // not halfway (axe once read a tab's light background under its dark-theme text).
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

/** axe-core's violations on the page, one readable line each (rule, impact, where, why). */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 4).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n'),
  );
}

/** Trains the lesson's main widget a little and pauses it, so what axe sees holds still. */
async function trainALittle(page: Page): Promise<void> {
  if (!(await trainBriefly(page))) return;
  const status = page.getByTestId('trainer-status');
  // The digit trainer has no step counter: wait for its first evaluation (a loss or an accuracy).
  if ((await status.count()) > 0) await expect.poll(() => status.first().textContent(), { timeout: 90_000 }).toMatch(/(accuracy|loss)\b/i);
  const pause = page.getByRole('button', { name: 'Pause', exact: true }).first();
  if ((await pause.count()) > 0 && (await pause.isEnabled())) await pause.click();
}

describe('accessibility (axe-core) of every lesson, light and dark', () => {
  it('finds the twelve lessons', () => {
    expect(LESSONS).toHaveLength(12);
  });

  it.each(LESSONS)('%s: no violations after training, in either theme', async (slug) => {
    const page = await app.browser.newPage();
    await openLesson(page, app.baseUrl, `#/lesson/${slug}`);
    await useTheme(page, 'light');
    await trainALittle(page);
    const light = await violations(page);
    await useTheme(page, 'dark');
    const dark = await violations(page);
    await useTheme(page, 'light');
    await page.close();
    expect({ light, dark }).toEqual({ light: [], dark: [] });
  });
});
