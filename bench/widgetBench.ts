// Throughput and page smoothness of the lesson widgets (lessons 4, 5 and 6) in real
// Chromium: training steps per second (read from the widget's data-steps attribute, which
// follows the shown step count) and the page's frame rate while the plot redraws.
import { readFrameMonitor, startFrameMonitor, type App, type Page } from '../tests/e2e/harness';

export interface WidgetRun {
  stepsPerSecond: number;
  fps: number;
  maxFrameGapMs: number;
}

interface WidgetSetup {
  /** The button that starts training ("Play" on the playgrounds, "Train" on the digit widgets). */
  start?: string;
  /** Settings to make before training, once the widget is ready. */
  prepare?: (page: Page) => Promise<void>;
}

async function measureWidget(app: App, lesson: string, testId: string, seconds: number, setup: WidgetSetup = {}): Promise<WidgetRun> {
  const page = await app.browser.newPage();
  try {
    await page.goto(new URL(`#/lesson/${lesson}`, app.baseUrl).href);
    const widget = page.getByTestId(testId);
    const play = widget.getByRole('button', { name: setup.start ?? 'Play', exact: true });
    await play.waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 90_000;
    while (!(await play.isEnabled())) {
      if (Date.now() > deadline) throw new Error(`${testId} never became ready`);
      await page.waitForTimeout(200);
    }
    if (setup.prepare) {
      await setup.prepare(page);
      while (!(await play.isEnabled())) await page.waitForTimeout(100);
    }
    const steps = async () => Number((await widget.getAttribute('data-steps')) ?? 0);
    await play.click();
    // Let the first progress reach the page, so the window measures steady training only.
    await page.waitForTimeout(1000);
    await startFrameMonitor(page);
    const firstSteps = await steps();
    const start = performance.now();
    // Sample the step count: a run that finishes inside the window is timed to its last step.
    let lastSteps = firstSteps;
    let lastChange = start;
    while (performance.now() - start < seconds * 1000) {
      await page.waitForTimeout(250);
      const now = await steps();
      if (now !== lastSteps) {
        lastSteps = now;
        lastChange = performance.now();
      }
    }
    const elapsed = (performance.now() - start) / 1000;
    const frames = await readFrameMonitor(page);
    const pause = widget.getByRole('button', { name: 'Pause' });
    if (await pause.isEnabled()) await pause.click();
    return {
      stepsPerSecond: (lastSteps - firstSteps) / Math.max(0.25, (lastChange - start) / 1000),
      fps: frames.count / elapsed,
      maxFrameGapMs: frames.max,
    };
  } finally {
    await page.close();
  }
}

/** Lesson 5 with its defaults: Play, then ~8 s of training while the decision heat map updates. */
export function measurePlayground(app: App, seconds = 8): Promise<WidgetRun> {
  return measureWidget(app, '05-decision-boundaries', 'classifier-playground', seconds);
}

/** Lesson 4 with its defaults: Play, then ~8 s of training while the fitted curve redraws. */
export function measureCurveFitter(app: App, seconds = 8): Promise<WidgetRun> {
  return measureWidget(app, '04-neural-network-curves', 'curve-fitter', seconds);
}

const LESSON_6 = '06-a-baseline-then-the-ladder';

/** Lesson 6's digit baseline widget: the linear model or the MLP (batch 64), trained with no epoch limit for ~5 s. */
export function measureDigitBaseline(app: App, model: 'linear' | 'mlp', seconds = 5): Promise<WidgetRun> {
  return measureWidget(app, LESSON_6, 'digit-baseline', seconds, {
    start: 'Train',
    prepare: async (page) => {
      const widget = page.getByTestId('digit-baseline');
      if (model !== 'linear') await widget.getByRole('combobox', { name: /^Model/ }).selectOption(model);
      const epochs = widget.getByLabel('Epochs', { exact: true });
      await epochs.fill('0'); // until paused
      await epochs.press('Enter');
      await page.waitForTimeout(500);
    },
  });
}

export interface LadderRun {
  steps: number;
  /** Steps per second of each rung, from the times the widget shows. */
  stepsPerSecond: Record<string, number>;
}

/** Lesson 6's ladder: each rung trains `steps` batches of 32 (after one warm-up run); steps per second per rung. */
export async function measureLadder(app: App, steps = 200): Promise<LadderRun> {
  const page = await app.browser.newPage();
  try {
    await page.goto(new URL(`#/lesson/${LESSON_6}`, app.baseUrl).href);
    const ladder = page.getByTestId('abstraction-ladder');
    const runAll = ladder.getByRole('button', { name: 'Run all three' });
    await runAll.waitFor({ timeout: 60_000 });
    while (!(await runAll.isEnabled())) await page.waitForTimeout(200);
    const agreed = async () => {
      while (!/agree|differ/.test((await page.getByTestId('ladder-status').textContent()) ?? '')) await page.waitForTimeout(100);
    };
    await runAll.click(); // warm-up: the first run compiles kernels and fills caches
    await agreed();
    const field = ladder.getByLabel('Steps', { exact: true });
    await field.fill(String(steps));
    await field.press('Enter');
    await runAll.click();
    await agreed();
    const times = await page.getByTestId('ladder-table').locator('tr', { hasText: 'time' }).locator('td').allTextContents();
    const names = ['rawTensors', 'minimize', 'fit'];
    const stepsPerSecond = Object.fromEntries(times.map((t, i) => [names[i], steps / (parseFloat(t) / 1000)]));
    return { steps, stepsPerSecond };
  } finally {
    await page.close();
  }
}

/** Lesson 6's widgets, printed: the baseline widget's two networks, and the ladder's three rungs. */
export async function benchLesson6(app: App): Promise<{ digitBaseline: { linear: WidgetRun; mlp: WidgetRun }; ladder: LadderRun }> {
  const linear = await measureDigitBaseline(app, 'linear');
  const mlp = await measureDigitBaseline(app, 'mlp');
  console.log(`lesson 6 digit baseline: linear ${Math.round(linear.stepsPerSecond)} steps/s, MLP ${Math.round(mlp.stepsPerSecond)} steps/s (batch 64), page ${mlp.fps.toFixed(0)} fps while the MLP trains`);
  const ladder = await measureLadder(app);
  const rungs = Object.entries(ladder.stepsPerSecond).map(([name, rate]) => `${name} ${Math.round(rate)}`).join(', ');
  console.log(`lesson 6 ladder (${ladder.steps} steps of batch 32): ${rungs} steps/s`);
  return { digitBaseline: { linear, mlp }, ladder };
}

export interface FeatureMapLatency {
  /** ms from the last pointer event of a stroke to the maps drawn for it, one per stroke. */
  idleMs: number[];
  /** The same while the CNN trains in the worker (each read waits for the batch in progress). */
  trainingMs: number[];
  backend: string;
}

// Page-side helpers (strings: see harness.ts): the time of the pad's last drawing input, and
// when the maps drawn last were read and drawn (the inspector's data attributes).
const WATCH_PAD = `(() => {
  const pad = document.querySelector('[data-testid="cnn-inspector"] [data-testid="digit-pad"]');
  window.__lastInput = 0;
  for (const type of ['pointerdown', 'pointermove']) pad.addEventListener(type, (e) => { window.__lastInput = e.timeStamp; }, { capture: true });
})()`;
const LAST_INPUT = `window.__lastInput`;
const DRAWN = `(() => {
  const d = document.querySelector('[data-testid="cnn-inspector"]').dataset;
  return { readAt: Number(d.readAt ?? 0), drawnAt: Number(d.drawnAt ?? 0) };
})()`;

/**
 * Lesson 7: stroke → feature maps. Trains the CNN for a few seconds, then draws `strokes` mouse
 * strokes on the pad, paused and then while training, and times each from its last pointer event
 * to the first maps drawn from a read that started after it.
 */
export async function measureFeatureMapLatency(app: App, strokes = 24): Promise<FeatureMapLatency> {
  const page = await app.browser.newPage();
  try {
    // Epochs 0 (until paused): the lesson's 3 epochs can end before the strokes do.
    await page.goto(new URL('#/lesson/07-convolutions?cnn-inspector.epochs=0', app.baseUrl).href);
    const inspector = page.getByTestId('cnn-inspector');
    const train = inspector.getByRole('button', { name: 'Train', exact: true });
    await train.waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 90_000;
    while (!(await train.isEnabled())) {
      if (Date.now() > deadline) throw new Error('the CNN inspector never became ready');
      await page.waitForTimeout(200);
    }
    await train.click();
    await page.waitForTimeout(5000);
    await inspector.getByRole('button', { name: 'Pause' }).click();
    const pad = inspector.getByTestId('digit-pad');
    await pad.scrollIntoViewIfNeeded();
    await page.evaluate(WATCH_PAD);
    const box = (await pad.boundingBox())!;

    const run = async (count: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        if (i % 6 === 0) await inspector.getByRole('button', { name: 'Clear' }).click().catch(() => undefined);
        // Short strokes in changing places, like the parts of a digit.
        const x = 0.25 + 0.5 * ((i * 0.37) % 1);
        const y = 0.2 + 0.6 * ((i * 0.61) % 1);
        await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * (1 - x), box.y + box.height * (y + 0.15), { steps: 6 });
        await page.mouse.up();
        const input = (await page.evaluate(LAST_INPUT)) as number;
        const until = Date.now() + 10_000;
        for (;;) {
          const drawn = (await page.evaluate(DRAWN)) as { readAt: number; drawnAt: number };
          if (drawn.readAt > input) {
            times.push(drawn.drawnAt - input);
            break;
          }
          if (Date.now() > until) throw new Error('the feature maps did not follow the pad within 10 s');
          await page.waitForTimeout(5);
        }
        await page.waitForTimeout(150);
      }
      return times;
    };
    const idleMs = await run(strokes);
    await train.click();
    await page.waitForTimeout(1000);
    const trainingMs = await run(strokes);
    await inspector.getByRole('button', { name: 'Pause' }).click().catch(() => undefined);
    return { idleMs, trainingMs, backend: ((await page.getByTestId('backend').textContent().catch(() => null)) ?? 'see the trainer').trim() };
  } finally {
    await page.close();
  }
}

export interface OwnClassifierRun {
  stepsPerSecond: number;
  examplesPerSecond: number;
  steps: number;
  seconds: number;
  drawings: number;
}

/** `n` 28×28 drawings of a bar (horizontal or vertical) or a ring, a little off centre each time. */
function syntheticDrawings(shape: number, n: number, random: () => number): Uint8Array[] {
  return Array.from({ length: n }, () => {
    const pixels = new Uint8Array(784);
    const cx = 14 + (random() - 0.5) * 4;
    const cy = 14 + (random() - 0.5) * 4;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const r = Math.hypot(x - cx, y - cy);
        const ink = shape === 0 ? Math.abs(y - cy) < 1.5 && Math.abs(x - cx) < 10 : shape === 1 ? Math.abs(x - cx) < 1.5 && Math.abs(y - cy) < 10 : Math.abs(r - 8) < 1.5;
        if (ink) pixels[y * 28 + x] = 255;
      }
    }
    return pixels;
  });
}

/**
 * Lesson 11's own classifier: imports `perClass` synthetic drawings of three classes as a file,
 * presses Train and counts the training steps (data-steps) until the run ends. Includes the
 * worker's start (backend, first model build) only in the first step's time, not in the rate.
 */
export async function measureOwnClassifier(app: App, perClass = 100): Promise<OwnClassifierRun> {
  const { serializeDrawings } = await import('../src/ml/drawingsFile');
  const { createRng } = await import('../src/ml/random');
  const { HELD_OUT_SHARE, OWN_CLASSIFIER_HYPER } = await import('../src/ml/ownClassifier');
  const random = createRng(5);
  const classes = ['—', '|', 'O'].map((name, shape) => ({ name, drawings: syntheticDrawings(shape, perClass, random) }));
  const page = await app.browser.newPage();
  try {
    await page.goto(new URL('#/lesson/11-your-own-classifier', app.baseUrl).href);
    const widget = page.getByTestId('own-classifier');
    await widget.waitFor({ timeout: 60_000 });
    await page.getByTestId('drawings-file').setInputFiles({ name: 'bench.json', mimeType: 'application/json', buffer: Buffer.from(serializeDrawings(classes)) });
    const dialog = page.getByTestId('confirm-dialog').filter({ visible: true });
    if (await dialog.count()) await dialog.getByRole('button', { name: 'Replace' }).click();
    await page.getByTestId('file-message').filter({ hasText: 'Imported' }).waitFor();
    const steps = async () => Number((await widget.getAttribute('data-steps')) ?? 0);
    await widget.getByRole('button', { name: /Train (again )?on my drawings/ }).click();
    const deadline = Date.now() + 120_000;
    while ((await steps()) === 0 && Date.now() < deadline) await page.waitForTimeout(20);
    const firstSteps = await steps();
    const start = performance.now();
    const status = page.getByTestId('own-status');
    while (!/· done$/.test((await status.textContent()) ?? '') && Date.now() < deadline) await page.waitForTimeout(20);
    const seconds = (performance.now() - start) / 1000;
    const total = await steps();
    const trainCount = (perClass - Math.floor(perClass * HELD_OUT_SHARE)) * 3;
    const stepsPerSecond = (total - firstSteps) / seconds;
    // An epoch's steps share its drawings: the mean batch is trainCount / stepsPerEpoch.
    const examplesPerStep = trainCount / Math.ceil(trainCount / OWN_CLASSIFIER_HYPER.batchSize);
    return { stepsPerSecond, examplesPerSecond: stepsPerSecond * examplesPerStep, steps: total, seconds, drawings: perClass * 3 };
  } finally {
    await page.close();
  }
}

/**
 * Lesson 8 with its defaults (200 digits, the small CNN, training accuracy evaluated too) but 100
 * epochs, so the run outlasts the window: Play, then ~8 s of training while the gap and the chart
 * update.
 */
export function measureOverfittingLab(app: App, seconds = 8): Promise<WidgetRun> {
  return measureWidget(app, '08-overfitting', 'overfitting-lab', seconds, {
    prepare: async (page) => {
      const epochs = page.getByTestId('overfitting-lab').getByLabel('Epochs', { exact: true });
      await epochs.fill('100');
      await epochs.press('Enter');
      await page.waitForTimeout(300);
    },
  });
}
