// Throughput and page smoothness of the small playground widgets (lessons 4 and 5) in real
// Chromium: training steps per second (read from the widget's data-steps attribute, which
// follows the shown step count) and the page's frame rate while the plot redraws.
import { readFrameMonitor, startFrameMonitor, type App } from '../tests/e2e/harness';

export interface WidgetRun {
  stepsPerSecond: number;
  fps: number;
  maxFrameGapMs: number;
}

async function measureWidget(app: App, lesson: string, testId: string, seconds: number): Promise<WidgetRun> {
  const page = await app.browser.newPage();
  try {
    await page.goto(new URL(`#/lesson/${lesson}`, app.baseUrl).href);
    const widget = page.getByTestId(testId);
    const play = widget.getByRole('button', { name: 'Play', exact: true });
    await play.waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 90_000;
    while (!(await play.isEnabled())) {
      if (Date.now() > deadline) throw new Error(`${testId} never became ready`);
      await page.waitForTimeout(200);
    }
    const steps = async () => Number((await widget.getAttribute('data-steps')) ?? 0);
    await play.click();
    // Let the first progress reach the page, so the window measures steady training only.
    await page.waitForTimeout(1000);
    await startFrameMonitor(page);
    const firstSteps = await steps();
    const start = performance.now();
    await page.waitForTimeout(seconds * 1000);
    const lastSteps = await steps();
    const elapsed = (performance.now() - start) / 1000;
    const frames = await readFrameMonitor(page);
    await widget.getByRole('button', { name: 'Pause' }).click();
    return {
      stepsPerSecond: (lastSteps - firstSteps) / elapsed,
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
