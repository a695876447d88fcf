// Issue 24: the lessons' code cells in Chromium, as a learner uses them. Edit and run (the chart
// draws, the exercise ticks, the edit survives a reload), Stop ends an endless loop, a 2 GB
// allocation and a runaway await while the page keeps its frames, hostile code is refused and the
// saved progress is untouched, a shared link's code waits for Run, no content-policy violation in
// the app page, axe finds nothing in either theme, and the keyboard alone gets through.
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App, type Page } from './harness';
import { openLesson } from './lessonPages';
import { encodeCellCode } from '../../src/widgets/cells/cellLink';
import { PROGRESS_STORAGE_KEY } from '../../src/app/progress.svelte';

let app: App;
let page: Page;

beforeAll(async () => {
  // The page's frames are measured with Chromium compositing in software. Without a GPU, its
  // default here is SwiftShader's GPU compositing, which on 2 cores delays frames by 70–200 ms
  // while any worker computes, with the page's main thread idle (0 long tasks; the README's frame
  // figures for the trainers say the same): that measures SwiftShader, not the page.
  app = await startApp({ extraArgs: ['--disable-gpu-compositing'] });
  page = await app.browser.newPage();
  // Every content-policy violation in the app's own page, from its first script on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});
afterAll(async () => {
  await app?.close();
});

const cellOf = (id: string) => page.locator(`[data-cell="${id}"]`);
const editorOf = (id: string) => cellOf(id).getByRole('textbox', { name: /^Code:/ });
const phaseOf = (id: string) => cellOf(id).getAttribute('data-phase');

async function open(slug: string, query = ''): Promise<void> {
  await openLesson(page, app.baseUrl, `#/lesson/${slug}${query}`);
}

/** The editor's whole text (CodeMirror draws only the lines near the screen, so it is read from the editor). */
async function editorText(id: string): Promise<string> {
  return cellOf(id).locator('.code-editor').evaluate((host) => (host as HTMLElement & { editorCode: () => string }).editorCode());
}

async function runAndWait(id: string, phases = ['done', 'failed', 'stopped'], timeout = 120_000): Promise<string> {
  await cellOf(id).getByRole('button', { name: /^Run/ }).click();
  await expect.poll(() => phaseOf(id), { timeout }).toMatch(new RegExp(`^(${phases.join('|')})$`));
  return (await phaseOf(id))!;
}

/** Longest gap between animation frames, in ms, while `during` runs in the page's own time. */
async function frameGapsWhile(during: () => Promise<void>): Promise<{ longest: number; frames: number; longTasks: number }> {
  await page.evaluate(() => {
    const state = { last: performance.now(), longest: 0, frames: 0, on: true, longTasks: 0 };
    // Tasks over 50 ms on the page's main thread (Chromium's Long Tasks API).
    new PerformanceObserver((list) => {
      if (state.on) state.longTasks += list.getEntries().length;
    }).observe({ type: 'longtask' });
    (window as unknown as { __gaps: typeof state }).__gaps = state;
    const tick = (now: number) => {
      if (!state.on) return;
      state.longest = Math.max(state.longest, now - state.last);
      state.last = now;
      state.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      state.last = now;
      requestAnimationFrame(tick);
    });
  });
  await during();
  return page.evaluate(() => {
    const state = (window as unknown as { __gaps: { longest: number; frames: number; on: boolean; longTasks: number } }).__gaps;
    state.on = false;
    return { longest: Math.round(state.longest), frames: state.frames, longTasks: state.longTasks };
  });
}

describe('code cells in Chromium', () => {
  it('edit, run: the chart draws, the exercise ticks, the edit survives a reload, Reset brings the lesson back', async () => {
    await open('03-gradient-descent');
    const lesson = await editorText('descent-by-hand');
    expect(lesson).toContain('// TODO: take the step.');
    const mine = lesson.replace(/ *\/\/ TODO: take the step\.[^\n]*/, '  m = m - learningRate * gradientM;\n  b = b - learningRate * gradientB;');
    await editorOf('descent-by-hand').fill(mine);
    expect(await runAndWait('descent-by-hand')).toBe('done');
    const cell = cellOf('descent-by-hand');
    await expect.poll(async () => Number(await cell.getByTestId('cell-chart').getAttribute('data-points'))).toBe(100);
    expect(await cell.getByTestId('cell-lines').textContent()).toMatch(/after 100 steps: m = 1\.98\d, b = -0\.50\d/);
    expect(await cell.getByTestId('cell-status').textContent()).toMatch(/^Done in .* Every tensor it made was freed\.$/);
    await expect.poll(() => cell.getByTestId('exercise-done').textContent()).toMatch(/Exercise done/);
    expect(await page.evaluate((key) => localStorage.getItem(key), PROGRESS_STORAGE_KEY)).toContain('update-by-hand');

    await page.reload();
    await expect.poll(() => editorText('descent-by-hand')).toContain('m = m - learningRate * gradientM;');
    await cellOf('descent-by-hand').getByRole('button', { name: 'Reset to the lesson’s code' }).click();
    await expect.poll(() => editorText('descent-by-hand')).toBe(lesson);
    await page.reload();
    await expect.poll(() => editorText('descent-by-hand')).toBe(lesson);
  });

  it('a syntax error and a runtime error show the learner’s line, and the lesson keeps working', async () => {
    await open('02-fitting-a-line');
    await editorOf('loss-by-hand').fill('const a = 1;\nconst b = ;\n');
    expect(await runAndWait('loss-by-hand')).toBe('failed');
    expect(await cellOf('loss-by-hand').getByTestId('cell-error').textContent()).toMatch(/Line 2:\s*SyntaxError/);
    await editorOf('loss-by-hand').fill('const t = tf.tensor([1, 2]);\n\nt.add(tf.tensor([1, 2, 3]));\n');
    expect(await runAndWait('loss-by-hand')).toBe('failed');
    expect(await cellOf('loss-by-hand').getByTestId('cell-error').textContent()).toMatch(/Line 3:\s*Error: Operands could not be broadcast/);
    // The widget above it still answers.
    await expect.poll(() => page.locator('[data-widget="line-fitter"]').getByRole('button', { name: /^Play$/ }).isEnabled()).toBe(true);
  });

  it('Stop ends an endless loop within 2 s, and the page keeps its frames under 50 ms meanwhile', async () => {
    await open('02-fitting-a-line');
    await editorOf('loss-by-hand').fill('console.log("looping");\nwhile (true) {}\n');
    const workersBefore = page.workers().length;
    await cellOf('loss-by-hand').getByRole('button', { name: /^Run/ }).click();
    await expect.poll(() => cellOf('loss-by-hand').getByTestId('cell-lines').textContent()).toContain('looping');
    // The run's worker (inside the sandbox frame) is there…
    expect(page.workers().length).toBe(workersBefore + 1);
    // The loop runs in the cell's worker: the page's frames go on (a second of them, 60 frames).
    const gaps = await frameGapsWhile(() => page.waitForFunction(() => (window as unknown as { __gaps: { frames: number } }).__gaps.frames > 60).then(() => undefined));
    const stopMs = await page.evaluate(async () => {
      const cell = document.querySelector('[data-cell="loss-by-hand"]')!;
      const stop = [...cell.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop')!;
      const began = performance.now();
      stop.click();
      while (cell.getAttribute('data-phase') !== 'stopped') await new Promise((resolve) => requestAnimationFrame(resolve));
      return performance.now() - began;
    });
    console.log(`endless loop: stopped ${Math.round(stopMs)} ms after Stop; longest frame gap while it ran ${gaps.longest} ms over ${gaps.frames} frames, ${gaps.longTasks} long tasks`);
    expect(stopMs).toBeLessThan(2000);
    expect(gaps.longest).toBeLessThan(50);
    expect(gaps.longTasks).toBe(0);
    expect(await cellOf('loss-by-hand').getByTestId('cell-status').textContent()).toMatch(/^Stopped after/);
    // …and gone: Stop ended it, not just the page's wait for it.
    await expect.poll(() => page.workers().length, { timeout: 2000 }).toBe(workersBefore);
  });

  it('while a cell trains (lesson 9’s loop), the page’s main thread never blocks: no task over 50 ms, and its frames keep coming', async () => {
    await open('09-tuning');
    await cellOf('training-loop').getByRole('button', { name: /^Run/ }).click();
    await expect.poll(async () => Number(await cellOf('training-loop').getByTestId('cell-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(5);
    const gaps = await frameGapsWhile(() => expect.poll(() => phaseOf('training-loop'), { timeout: 120_000 }).toBe('done'));
    // The longest gap between frames is the benchmark's figure (npm run bench, cells): 17 ms on an
    // idle machine, but with a CPU hog beside the cell's worker on 2 cores, 100 ms with the main
    // thread idle all along: the operating system's share, not the page's. What the page owns is
    // its main thread, and that never blocks.
    console.log(`training cell: longest frame gap while it trained ${gaps.longest} ms over ${gaps.frames} frames, ${gaps.longTasks} long tasks`);
    expect(gaps.frames).toBeGreaterThan(60);
    expect(gaps.longTasks).toBe(0);
  });

  it('a 2 GB allocation is stopped within 2 s, and a runaway await by the time limit the learner sees', async () => {
    await open('02-fitting-a-line');
    await editorOf('loss-by-hand').fill('const big = new Float32Array(512 * 1024 * 1024);\nconsole.log("allocated", big.length);\nwhile (true) big.fill(Math.random());\n');
    await cellOf('loss-by-hand').getByRole('button', { name: /^Run/ }).click();
    // Either the engine refuses the 2 GB at once (an error the learner reads) or it is filling it.
    await expect.poll(async () => (await phaseOf('loss-by-hand')) === 'failed' || /allocated/.test((await cellOf('loss-by-hand').getByTestId('cell-output').textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
    if ((await phaseOf('loss-by-hand')) !== 'failed') {
      const began = Date.now();
      await cellOf('loss-by-hand').getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => phaseOf('loss-by-hand')).toBe('stopped');
      expect(Date.now() - began).toBeLessThan(2000);
    }
    await editorOf('loss-by-hand').fill('console.log("waiting forever");\nawait new Promise(() => {});\n');
    await cellOf('loss-by-hand').getByLabel('Time limit').selectOption('10');
    const began = Date.now();
    expect(await runAndWait('loss-by-hand', ['stopped'], 30_000)).toBe('stopped');
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThan(13_000);
    expect(await cellOf('loss-by-hand').getByTestId('cell-status').textContent()).toMatch(/the 10 s time limit was reached/);
    expect(await cellOf('loss-by-hand').getByTestId('cell-clock').textContent()).toMatch(/of 10 s$/);
  });

  it('hostile code is refused every time, and the saved progress is unchanged', async () => {
    await open('02-fitting-a-line');
    const before = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
    expect(before).toContain('update-by-hand');
    const attempts: Record<string, string> = {
      fetch: `await fetch(${JSON.stringify(app.baseUrl)} + 'index.html')`,
      localStorage: `localStorage.setItem('${PROGRESS_STORAGE_KEY}', '{}')`,
      indexedDB: `await new Promise((resolve, reject) => { const r = indexedDB.open('x'); r.onsuccess = resolve; r.onerror = () => reject(r.error); })`,
      parentDocument: `parent.document.body.textContent = 'hacked'`,
      topLocation: `top.location = 'https://example.com/'`,
      cookie: `document.cookie = 'a=1'`,
      importScripts: `importScripts('https://example.com/evil.js')`,
      eval: `eval('1 + 1')`,
    };
    const code = Object.entries(attempts)
      .map(([name, attempt]) => `try { ${attempt}; console.log('ALLOWED: ${name}'); } catch (error) { console.log('refused: ${name}'); }`)
      .join('\n');
    await editorOf('loss-by-hand').fill(code);
    expect(await runAndWait('loss-by-hand')).toBe('done');
    const printed = (await cellOf('loss-by-hand').getByTestId('cell-lines').textContent()) ?? '';
    for (const name of Object.keys(attempts)) expect(printed).toContain(`refused: ${name}`);
    expect(printed).not.toContain('ALLOWED');
    expect(await page.locator('body').textContent()).not.toContain('hacked');
    expect(page.url()).toContain('#/lesson/02-fitting-a-line');
    // The learner's own edit is saved as a draft (theirs); everything else is byte for byte the same.
    const after = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).filter(([key]) => !key.startsWith('gradient-lab:cell-drafts:')).sort()));
    expect(after).toBe(JSON.stringify(JSON.parse(before).filter(([key]: [string]) => !key.startsWith('gradient-lab:cell-drafts:'))));
  });

  it('code that floods the page with its own messages, past the cell\'s batching, is stopped with a message', async () => {
    await open('02-fitting-a-line');
    await editorOf('loss-by-hand').fill("for (let i = 0; ; i++) self.postMessage({ type: 'output', items: [{ kind: 'line', level: 'log', text: 'flood ' + i }] });\n");
    const gaps = await frameGapsWhile(async () => {
      expect(await runAndWait('loss-by-hand', ['stopped', 'done', 'failed'], 10_000)).toBe('stopped');
    });
    expect(await cellOf('loss-by-hand').getByTestId('cell-status').textContent()).toMatch(/more than 300 messages in a second/);
    console.log(`flooding cell: stopped; longest frame gap meanwhile ${gaps.longest} ms, ${gaps.longTasks} long tasks`);
  });

  it('a shared link shows its code, which does not run until Run', async () => {
    const shared = 'console.log("ran from a link");\nlab.report({ fromLink: true });';
    // As a learner opens a link: a fresh page, not a change of address inside the open lesson.
    await page.goto('about:blank');
    await open('02-fitting-a-line', `?cell.loss-by-hand=${await encodeCellCode(shared)}`);
    await expect.poll(() => editorText('loss-by-hand')).toBe(shared);
    expect(await cellOf('loss-by-hand').getByRole('status').first().textContent()).toMatch(/came from a link and has not run/);
    // Nothing ran: no sandbox frame exists before the first Run, and the output is empty.
    expect(await page.locator('iframe[sandbox]').count()).toBe(0);
    expect(await phaseOf('loss-by-hand')).toBe('idle');
    expect(await runAndWait('loss-by-hand')).toBe('done');
    expect(await cellOf('loss-by-hand').getByTestId('cell-lines').textContent()).toContain('ran from a link');
    expect(await page.locator('iframe[sandbox]').getAttribute('sandbox')).toBe('allow-scripts');
  });

  it('axe finds no violations with a cell open and run, light and dark', async () => {
    await open('09-tuning');
    await cellOf('training-loop').getByLabel('Time limit').selectOption('10');
    await runAndWait('training-loop', ['done', 'stopped'], 30_000);
    await cellOf('training-loop').scrollIntoViewIfNeeded();
    for (const theme of ['light', 'dark'] as const) {
      const toggle = page.getByTestId('theme-toggle');
      if ((await toggle.getAttribute('aria-pressed')) !== String(theme === 'dark')) await toggle.click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      const result = await new AxeBuilder({ page }).include('[data-testid="code-cell"]').analyze();
      expect(result.violations.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });

  it('keyboard only: reach a cell, edit it, run it, and read the output', async () => {
    await open('07-convolutions');
    await page.locator('h1').focus();
    let inEditor = false;
    for (let presses = 0; presses < 80 && !inEditor; presses++) {
      await page.keyboard.press('Tab');
      inEditor = await editorOf('convolution-in-code').evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el);
    }
    expect(inEditor).toBe(true);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nconsole.log("typed by keyboard");');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => phaseOf('convolution-in-code'), { timeout: 60_000 }).toBe('done');
    // Tab leaves the editor (no trap) for its Run button; the status line says how it went.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/^Run/);
    expect(await cellOf('convolution-in-code').getByTestId('cell-lines').textContent()).toContain('typed by keyboard');
    expect(await cellOf('convolution-in-code').getByTestId('cell-status').textContent()).toMatch(/^Done in/);
  });

  it('no content-policy violation in the app page through all of it', async () => {
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  });
});
