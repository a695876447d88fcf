// Opening every lesson and training its widget a little: shared by the offline/policy test and the
// accessibility test, which both visit all twelve.
import { expect } from 'vitest';
import type { Page } from './harness';

/** The lessons the home page links to, in order. */
export async function lessonLinks(page: Page, baseUrl: string): Promise<string[]> {
  await page.goto(baseUrl);
  await expect.poll(() => page.locator('a[href^="#/lesson/"]').count()).toBeGreaterThan(4);
  const hrefs = await page.locator('a[href^="#/lesson/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs)];
}

/** Opens a lesson and waits until every widget on it has loaded (or failed visibly). */
export async function openLesson(page: Page, baseUrl: string, href: string): Promise<void> {
  await page.goto(new URL(href, baseUrl).href);
  await expect.poll(() => page.locator('article.lesson h1').count(), { timeout: 30_000 }).toBe(1);
  // The lesson's body is a chunk of its own: wait for it, then for its widgets' code.
  await expect.poll(() => page.locator('.lesson-loading').count(), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => page.locator('article.lesson .prose').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.locator('.widget-loading').count(), { timeout: 60_000 }).toBe(0);
}

/** Presses the first Train or Play button once it is enabled, and waits until the model has taken steps. */
export async function trainBriefly(page: Page): Promise<boolean> {
  const button = page.getByRole('button', { name: /^(Train|Play)$/ }).first();
  if ((await button.count()) === 0) return false;
  await expect.poll(() => button.isEnabled(), { timeout: 90_000 }).toBe(true);
  await button.click();
  const stepping = page.locator('[data-steps]').first();
  if ((await stepping.count()) > 0) await expect.poll(async () => Number(await stepping.getAttribute('data-steps')), { timeout: 60_000 }).toBeGreaterThan(0);
  return true;
}
