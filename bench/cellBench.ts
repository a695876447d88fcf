// The code cells in Chromium (`BENCH_ONLY=cells` runs only this part): the time from pressing Run
// to the first printed line, cold (a new page: the frame starts, the runtime and tfjs's wasm are
// fetched) and warm (the same cell again); lesson 1's CNN trained for one epoch in a cell against
// lesson 1's trainer; and the app page's frame gaps while a cell trains and while one loops
// forever. Each idle, then with one core kept busy (`yes`). Every time is taken in the page
// (performance.now()), not over the automation protocol.
import { spawn } from 'node:child_process';
import { encodeCellCode } from '../src/widgets/cells/cellLink';
import { readFrameMonitor, startFrameMonitor, type App, type Page } from '../tests/e2e/harness';
import { lessonTimeToAccuracy } from './lessonRun';

const RUNS = 5;
/**
 * Chromium composites in software for these figures, as in tests/e2e/codeCells.e2e.ts: without a
 * GPU its default is SwiftShader's GPU compositing, which delays frames by 70–200 ms while any
 * worker computes on 2 cores, with the page's main thread idle (the README's trainer figures too).
 */
export const CELL_BENCH_ARGS = ['--disable-gpu-compositing'];
const LESSON2 = '#/lesson/02-fitting-a-line';
/** Lesson 9's cell is handed the digits ("data: digits") and allows 2 minutes: it carries the CNN by link. */
const LESSON9 = '#/lesson/09-tuning';
const FIRST_CELL = 'loss-by-hand';
const DIGITS_CELL = 'training-loop';

/**
 * Lesson 1's CNN (src/ml/modelSpec.ts, preset 'cnn', with the trainer's softmax head) on the 8,000
 * training digits, lesson 1's optimizer, learning rate and batch size (Adam, 0.015, 32; the
 * schedule is left constant: it does not change the speed), one epoch, no validation, the loss
 * chart drawn as it goes as the trainer draws its own.
 */
export const cnnCellCode = (trainCount?: number) => `const { train } = await lab.data.digits(${trainCount ? `{ train: ${trainCount} }` : ''});
const model = tf.sequential({ layers: [
tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu', padding: 'valid' }),
tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', padding: 'valid' }),
tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
tf.layers.flatten(),
tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(0.015), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const count = train.xs.shape[0];
const chart = lab.chart({ title: 'One epoch of lesson 1’s CNN' });
const started = performance.now();
await model.fit(train.xs, train.ys, { epochs: 1, batchSize: 32, shuffle: true, callbacks: chart.callbacks() });
const seconds = (performance.now() - started) / 1000;
console.log('examples/s ' + (count / seconds).toFixed(1) + ' (' + count + ' examples in ' + seconds.toFixed(2) + ' s on ' + tf.getBackend() + ')');
`;

/** Presses the cell's Run in the page and resolves with the ms until its first printed text, then waits for the run's end. */
const RUN_TO_FIRST_LINE = (id: string) => `(async () => {
  const cell = document.querySelector('[data-testid="code-cell"][data-cell="${id}"]');
  const run = [...cell.querySelectorAll('button')].find((b) => /^Run\\b/.test(b.textContent.trim()));
  let observer;
  const firstLine = new Promise((resolve) => {
    observer = new MutationObserver(() => {
      const lines = cell.querySelector('[data-testid="cell-lines"]');
      if (lines && lines.textContent.trim() !== '') resolve(performance.now());
    });
    observer.observe(cell, { subtree: true, childList: true, characterData: true });
  });
  const clicked = performance.now();
  run.click();
  const shown = await Promise.race([firstLine, new Promise((resolve) => setTimeout(() => resolve(null), 60000))]);
  observer.disconnect();
  return shown === null ? null : shown - clicked;
})()`;

const phase = (id: string) => `document.querySelector('[data-testid="code-cell"][data-cell="${id}"]')?.getAttribute('data-phase')`;
const lines = (id: string) => `[...document.querySelectorAll('[data-testid="code-cell"][data-cell="${id}"] [data-testid="cell-lines"]')].map((e) => e.textContent).join('\\n')`;

/**
 * Polls a page-side expression until it is truthy. Not page.waitForFunction: its polling evaluates
 * the string in the page, which the app's content policy (no unsafe-eval) refuses.
 */
async function until(page: Page, expression: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${expression}`);
    await page.waitForTimeout(100);
  }
}

async function waitPhase(page: Page, id: string, phases: string[], timeout = 180_000): Promise<string> {
  await until(page, `${JSON.stringify(phases)}.includes(${phase(id)})`, timeout);
  return (await page.evaluate(phase(id))) as string;
}

async function openCell(app: App, hash: string, id: string): Promise<Page> {
  const page = await app.browser.newPage();
  await page.goto(new URL(hash, app.baseUrl).href);
  await page.waitForSelector(`[data-testid="code-cell"][data-cell="${id}"]`, { timeout: 60_000 });
  await until(page, 'document.querySelectorAll(".widget-loading").length === 0', 60_000);
  return page;
}

const median = (values: number[]) => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};

export interface CellFigures {
  runToFirstLineMs: { cold: { median: number | null; runs: (number | null)[] }; warm: { median: number | null; runs: (number | null)[] } };
  cnnCell: { examplesPerSecond: number | null; printed: string; frames: { max: number; p99: number; count: number } };
  endlessLoopFrames: { max: number; p99: number; count: number; seconds: number };
}

/** Run → first line, cold and warm, RUNS of each (a new page per cold run). */
async function runToFirstLine(app: App): Promise<CellFigures['runToFirstLineMs']> {
  const cold: (number | null)[] = [];
  const warm: (number | null)[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await openCell(app, LESSON2, FIRST_CELL);
    try {
      cold.push((await page.evaluate(RUN_TO_FIRST_LINE(FIRST_CELL))) as number | null);
      await waitPhase(page, FIRST_CELL, ['done', 'failed', 'stopped']);
      warm.push((await page.evaluate(RUN_TO_FIRST_LINE(FIRST_CELL))) as number | null);
      await waitPhase(page, FIRST_CELL, ['done', 'failed', 'stopped']);
    } finally {
      await page.close();
    }
  }
  const of = (runs: (number | null)[]) => ({ median: median(runs.filter((r): r is number => r !== null)), runs });
  return { cold: of(cold), warm: of(warm) };
}

/** Lesson 1's CNN, one epoch in a cell, with the page's frame gaps meanwhile. */
async function cnnCell(app: App, trainCount?: number): Promise<CellFigures['cnnCell']> {
  const page = await openCell(app, `${LESSON9}?cell.${DIGITS_CELL}=${await encodeCellCode(cnnCellCode(trainCount))}`, DIGITS_CELL);
  try {
    await until(page, `document.querySelector('[data-cell="${DIGITS_CELL}"] .code-editor')?.shadowRoot?.textContent.includes('One epoch of lesson 1')`, 30_000);
    await startFrameMonitor(page);
    await page.evaluate(`[...document.querySelector('[data-cell="${DIGITS_CELL}"]').querySelectorAll('button')].find((b) => /^Run\\b/.test(b.textContent.trim())).click()`);
    const end = await waitPhase(page, DIGITS_CELL, ['done', 'failed', 'stopped']);
    const frames = await readFrameMonitor(page);
    const printed = (await page.evaluate(lines(DIGITS_CELL))) as string;
    if (end !== 'done') throw new Error(`the CNN cell ended ${end}: ${printed} ${await page.evaluate(`document.querySelector('[data-cell="${DIGITS_CELL}"] [data-testid="cell-status"]')?.textContent`)}`);
    const match = /examples\/s ([\d.]+)/.exec(printed);
    return { examplesPerSecond: match ? Number(match[1]) : null, printed: printed.trim(), frames };
  } finally {
    await page.close();
  }
}

/** The page's frame gaps while a cell loops forever (then Stop). */
async function endlessLoopFrames(app: App, seconds = 5): Promise<CellFigures['endlessLoopFrames']> {
  const page = await openCell(app, `${LESSON2}?cell.${FIRST_CELL}=${await encodeCellCode('while (true) {}\n')}`, FIRST_CELL);
  try {
    await until(page, `document.querySelector('[data-cell="${FIRST_CELL}"] .code-editor')?.shadowRoot?.textContent.includes('while (true)')`, 30_000);
    await page.evaluate(`[...document.querySelector('[data-cell="${FIRST_CELL}"]').querySelectorAll('button')].find((b) => /^Run\\b/.test(b.textContent.trim())).click()`);
    await waitPhase(page, FIRST_CELL, ['running'], 30_000);
    await startFrameMonitor(page);
    await page.waitForTimeout(seconds * 1000);
    const frames = await readFrameMonitor(page);
    await page.evaluate(`[...document.querySelector('[data-cell="${FIRST_CELL}"]').querySelectorAll('button')].find((b) => b.textContent.trim() === 'Stop').click()`);
    await waitPhase(page, FIRST_CELL, ['stopped'], 10_000);
    return { ...frames, seconds };
  } finally {
    await page.close();
  }
}

/** Runs `measure` with one core kept busy by `yes` (killed afterwards, by its own pid). */
async function withOneCoreBusy<T>(measure: () => Promise<T>): Promise<T> {
  const busy = spawn('yes', [], { stdio: 'ignore' });
  try {
    return await measure();
  } finally {
    busy.kill();
  }
}

const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(0)} ms`);
const gaps = (f: { max: number; p99: number }) => `longest ${f.max.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms`;

export async function benchCells(app: App): Promise<Record<string, unknown>> {
  const measureAll = async (label: string, trainCount?: number) => {
    const first = await runToFirstLine(app);
    console.log(`cells (${label}): Run → first line, lesson 2's cell: cold ${ms(first.cold.median)} (${first.cold.runs.map(ms).join(', ')}), warm ${ms(first.warm.median)} (${first.warm.runs.map(ms).join(', ')})`);
    const cnn = await cnnCell(app, trainCount);
    console.log(`cells (${label}): lesson 1's CNN, one epoch in a cell${trainCount ? ` (${trainCount} digits)` : ''}: ${cnn.printed}; frame gaps meanwhile ${gaps(cnn.frames)} (target < 50 ms)`);
    const endless = await endlessLoopFrames(app);
    console.log(`cells (${label}): frame gaps while a cell loops forever (${endless.seconds} s): ${gaps(endless)}`);
    return { runToFirstLineMs: first, cnnCell: cnn, endlessLoopFrames: endless };
  };
  const idle = await measureAll('idle');
  // The widget: lesson 1's trainer with its own settings (3 epochs; the speed it shows, examples
  // per wall-clock second, evaluations included), the figure the learner compares with.
  const widget = await lessonTimeToAccuracy(app, 0.97);
  const cellSpeed = (idle.cnnCell as CellFigures['cnnCell']).examplesPerSecond;
  const ratio = cellSpeed !== null && widget.shownExamplesPerSecond ? cellSpeed / widget.shownExamplesPerSecond : null;
  console.log(`cells: lesson 1's CNN, examples/s: cell ${cellSpeed?.toFixed(0) ?? '—'}, lesson 1's trainer ${widget.shownExamplesPerSecond?.toFixed(0) ?? '—'} (backend ${widget.backend}); the cell runs at ${ratio === null ? '—' : ratio.toFixed(2)}× the trainer's speed`);
  const underLoad = await withOneCoreBusy(() => measureAll('one core busy'));
  return { idle, underLoad, widget: { examplesPerSecond: widget.shownExamplesPerSecond, backend: widget.backend, frames: widget.frames }, cellOverWidget: ratio };
}
