// Throughput and page smoothness of the trainer widgets (lessons 4, 5 and 8) in real
// Chromium: training steps per second (read from the widget's data-steps attribute, which
// follows the shown step count) and the page's frame rate while the plot redraws.
import type { Locator } from 'playwright-core';
import { readFrameMonitor, startFrameMonitor, type App } from '../tests/e2e/harness';

export interface WidgetRun {
  stepsPerSecond: number;
  fps: number;
  maxFrameGapMs: number;
}

async function measureWidget(app: App, lesson: string, testId: string, seconds: number, prepare?: (widget: Locator) => Promise<void>): Promise<WidgetRun> {
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
    await prepare?.(widget);
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

/**
 * Lesson 8 with its defaults (200 digits, the small CNN, training accuracy evaluated too) but 100
 * epochs, so the run outlasts the window: Play, then ~8 s of training while the gap and the chart
 * update.
 */
export function measureOverfittingLab(app: App, seconds = 8): Promise<WidgetRun> {
  return measureWidget(app, '08-overfitting', 'overfitting-lab', seconds, async (widget) => {
    const epochs = widget.getByLabel('Epochs', { exact: true });
    await epochs.fill('100');
    await epochs.press('Enter');
    await widget.page().waitForTimeout(300);
  });
}
