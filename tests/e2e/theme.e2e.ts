// Issue 11, item 11: dark mode. It follows the system, the header's toggle changes the page and is
// remembered across a reload, the theme is in place before the first frame (no white flash), and
// the digit pad feeds the model the same digit whichever theme shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, traceDigit, type App, type Page } from './harness';
import { openLesson } from './lessonPages';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const LESSON_1 = '#/lesson/01-train-a-digit-classifier';

// Runs before the page's own scripts: records the theme as soon as the parser has made <body>, before
// anything can be painted and before the app's (deferred) module runs, so only the boot script in
// <head> can have set it.
const FIRST_FRAME = `new MutationObserver((_, observer) => {
  if (!document.body) return;
  window.__firstFrameTheme = document.documentElement.dataset.theme ?? 'none';
  observer.disconnect();
}).observe(document, { childList: true, subtree: true })`;

// The page's background is painted by the root element (theme.css sets it on :root).
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
/** Opaque pixels brighter than light grey on the (transparent) loss chart: its grid lines in the light theme. */
const brightChartPixels = (page: Page) =>
  page.locator('.chart canvas').first().evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && data[i] > 200 && data[i + 1] > 200 && data[i + 2] > 200) count++;
    return count;
  });
const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

/** A page of lesson 1 under the system's `scheme`, with no theme choice stored (tests share one browser). */
async function freshPage(scheme: 'light' | 'dark', initScript?: string): Promise<Page> {
  const page = await app.browser.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(app.baseUrl);
  await page.evaluate(() => localStorage.removeItem('gradient-lab.theme'));
  if (initScript) {
    await page.addInitScript(initScript);
    await page.reload();
  }
  await openLesson(page, app.baseUrl, LESSON_1);
  return page;
}

/** A thick "1": a vertical bar in the middle of a 28 × 28 image. */
function bar(): Uint8Array {
  const digit = new Uint8Array(784);
  for (let row = 5; row < 23; row++) for (let col = 12; col < 16; col++) digit[row * 28 + col] = 255;
  return digit;
}

describe('dark mode', () => {
  it('the toggle changes the page background and the choice survives a reload, applied before the body is parsed', async () => {
    const page = await freshPage('light', FIRST_FRAME);
    expect(await theme(page)).toBe('light');
    const light = await background(page);
    const brightInLight = await brightChartPixels(page);
    expect(brightInLight).toBeGreaterThan(1000);

    const toggle = page.getByTestId('theme-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await expect.poll(() => background(page)).not.toBe(light);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const dark = await background(page);
    // The chart drawn before the switch follows it: its grid goes dark with the page.
    await expect.poll(() => brightChartPixels(page)).toBeLessThan(brightInLight / 10);

    await page.reload();
    await openLesson(page, app.baseUrl, LESSON_1);
    expect(await background(page)).toBe(dark);
    expect(await page.evaluate('window.__firstFrameTheme')).toBe('dark');

    // Back to light, the system's own setting: nothing stays stored, so the page follows the system.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => background(page)).toBe(light);
    expect(await page.evaluate(() => localStorage.getItem('gradient-lab.theme'))).toBeNull();
    await page.close();
  });

  it('follows a dark system setting, before the body is parsed and when it changes', async () => {
    const page = await freshPage('dark', FIRST_FRAME);
    expect(await page.evaluate('window.__firstFrameTheme')).toBe('dark');
    expect(await theme(page)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => theme(page)).toBe('light');
    await page.close();
  });

  it('the digit pad shows light ink on black in dark mode, and the model sees the same digit in both themes', async () => {
    const page = await freshPage('light');
    await traceDigit(page, bar());

    // The model's 28 × 28 view (drawn from the pad's reading) and one pixel in the middle of the stroke.
    const modelView = () => page.locator('.model-view canvas').evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data).join(','));
    const padInk = () =>
      page.getByTestId('digit-pad').evaluate((c: HTMLCanvasElement) => {
        const [r, , , a] = c.getContext('2d')!.getImageData(c.width / 2, c.height / 2, 1, 1).data;
        return { r, a };
      });
    // The reader is throttled and lags the last stroke: wait until the view stops changing.
    const settledView = async (): Promise<string> => {
      let before = await modelView();
      for (;;) {
        await page.waitForTimeout(400);
        const now = await modelView();
        if (now === before) return now;
        before = now;
      }
    };
    await expect.poll(async () => (await modelView()).split(',').some((v) => Number(v) < 128)).toBe(true);
    const seenInLight = await settledView();
    expect(await padInk()).toMatchObject({ r: 17, a: 255 });

    await page.getByTestId('theme-toggle').click();
    await expect.poll(async () => (await padInk()).r).toBe(238);
    // The pad is read again after the repaint.
    const seenInDark = await settledView();
    const light = seenInLight.split(',').map(Number);
    const difference = seenInDark.split(',').map((v, i) => Math.abs(Number(v) - light[i]));
    // Equal but for rounding where a stroke's edge is partly transparent (the canvas stores colours
    // premultiplied by alpha): at most 1/255 of ink on a pixel.
    expect(Math.max(...difference)).toBeLessThanOrEqual(1);
    expect(difference.filter((d) => d > 0).length).toBeLessThan(40);
    await page.close();
  });
});
