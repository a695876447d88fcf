import { startFrameMonitor, readFrameMonitor, type App } from '../tests/e2e/harness';

export interface LessonRun {
  backend: string;
  secondsTo97: number | null;
  /** From pressing Train to the first speed figure on screen (a step trained and reported). */
  msToFirstProgress: number | null;
  best: number;
  /** The median of the speeds the trainer showed (examples/s) from Train to the end of the watch. */
  shownExamplesPerSecond: number | null;
  frames: { max: number; p99: number; fps: number; count: number };
  /** Main-thread tasks over 50 ms from Train to the end of the watch (the Long Tasks API). */
  longTasks: { count: number; longestMs: number; /** When each began, in ms after Train was pressed. */ atMs: number[] };
}

const LONG_TASKS = `window.gradientLabLongTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.gradientLabLongTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });`;

// Timed inside the page from the click's own event to the first frame that shows each thing, so
// nothing polls from here (a poll from Node would add its own delay and take a core from training
// on a 2-core machine). (A string, not a function: tsx adds helpers to compiled functions that the
// page lacks.)
const WATCH = (target: number) => `window.gradientLabWatch = new Promise((resolve) => {
  const train = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Train');
  const status = () => document.querySelector('[data-testid="trainer-status"]')?.textContent ?? '';
  const speed = () => document.querySelector('[data-testid="speed"]')?.textContent ?? '';
  const pause = () => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Pause');
  let clicked = null, firstProgress = null, best = 0, lastSpeed = '';
  const shown = [];
  // A DOM observer, not a frame loop: frames requested here would make the page draw (and take
  // CPU from training) when it otherwise would not.
  const observer = new MutationObserver(() => poll());
  // The median of the speeds shown is taken once, when the watch ends.
  const done = (result) => {
    observer.disconnect();
    clearInterval(timer);
    const sorted = shown.slice().sort((a, b) => a - b);
    resolve({ ...result, shownSpeed: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null });
  };
  let timer = null;
  train.addEventListener('click', () => {
    clicked = window.gradientLabClicked = performance.now();
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled'] });
    timer = setInterval(poll, 1000);
  }, { capture: true, once: true });
  const poll = () => {
    const now = performance.now();
    const speedText = speed();
    if (firstProgress === null && /[1-9]/.test(speedText)) firstProgress = now - clicked;
    // Each figure the trainer put on screen, once (it changes with every report).
    if (speedText !== lastSpeed && /[1-9]/.test(speedText)) shown.push(Number(speedText.replace(/[^0-9]/g, '')));
    lastSpeed = speedText;
    const m = /Validation accuracy: ([\\d.]+) %/.exec(status());
    if (m) best = Math.max(best, Number(m[1]) / 100);
    if (best >= ${target}) return done({ secondsTo97: (now - clicked) / 1000, firstProgress, best });
    const finished = pause()?.disabled && now - clicked > 3000;
    if (finished || now - clicked > 120000) done({ secondsTo97: null, firstProgress, best });
  };
}), true`;

/** Opens lesson 1, presses Train with its defaults and times the shown validation accuracy. */
export async function lessonTimeToAccuracy(app: App, target: number): Promise<LessonRun> {
  const page = await app.browser.newPage();
  await page.goto(new URL('#/lesson/01-train-a-digit-classifier', app.baseUrl).href);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.waitFor();
  const deadline = Date.now() + 120_000;
  while (!(await train.isEnabled())) {
    if (Date.now() > deadline) throw new Error('the trainer never became ready');
    await page.waitForTimeout(200);
  }
  const backend = ((await page.getByTestId('backend').textContent()) ?? '').trim();
  await startFrameMonitor(page);
  await page.evaluate(WATCH(target));
  await page.evaluate(LONG_TASKS);
  const start = Date.now();
  await train.click();
  const { secondsTo97, firstProgress, best, shownSpeed } = (await page.evaluate('window.gradientLabWatch')) as { secondsTo97: number | null; firstProgress: number | null; best: number; shownSpeed: number | null };
  const msToFirstProgress = firstProgress;
  const f = await readFrameMonitor(page);
  const tasks = (await page.evaluate('window.gradientLabLongTasks')) as [number, number][];
  const clicked = (await page.evaluate('window.gradientLabClicked')) as number;
  const elapsed = (Date.now() - start) / 1000;
  await page.close();
  return { backend, secondsTo97, msToFirstProgress, best, shownExamplesPerSecond: shownSpeed, frames: { max: f.max, p99: f.p99, count: f.count, fps: f.count / elapsed }, longTasks: { count: tasks.length, longestMs: Math.max(0, ...tasks.map(([, d]) => d)), atMs: tasks.map(([start]) => Math.round(start - clicked)) } };
}
