// `npm run bench`: measures Gradient Lab in real headless Chromium and writes bench/results.json.
// Figures: training throughput per model and backend, the backend picked automatically, seconds
// to 97 % validation accuracy with lesson 1's defaults, and the page's longest frame gap while
// training (with the brief's Chromium flags, and with software compositing as a GPU-less
// desktop Chrome would use).
import { writeFileSync } from 'node:fs';
import { startApp, type App, type Page } from '../tests/e2e/harness';
import { lessonTimeToAccuracy } from './lessonRun';
import { benchLesson6, measureCurveFitter, measureFeatureMapLatency, measureOverfittingLab, measureOwnClassifier, measurePlayground } from './widgetBench';
import { describeLatency } from './featureMaps';

// The functions src/bench/benchPage.ts puts on window; their results are plain JSON.
type BenchFn = (...args: any[]) => Promise<any>;
type Bench = { throughput: BenchFn; autoBackend: BenchFn; healthCost: BenchFn; liveChangeLatency: BenchFn };

async function openBenchPage(app: App): Promise<Page> {
  const page = await app.browser.newPage();
  await page.goto(new URL('bench.html', app.baseUrl).href);
  await page.waitForFunction(() => 'gradientLabBench' in window);
  return page;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine: { cores: (await import('node:os')).cpus().length } };
  const app = await startApp();
  try {
    const page = await openBenchPage(app);
    const auto = await page.evaluate(() => (window as unknown as { gradientLabBench: Bench }).gradientLabBench.autoBackend());
    console.log(`auto backend: ${auto.name} — ${auto.reason}`);
    results.autoBackend = auto;

    const runs: unknown[] = [];
    for (const backend of ['wasm', 'webgl', 'cpu'] as const) {
      for (const model of ['mlp', 'cnn'] as const) {
        // WebGL on SwiftShader compiles shaders for seconds before the first batch: warm up longer.
        const warmup = backend === 'webgl' ? 12 : 2;
        const seconds = backend === 'cpu' && model === 'cnn' ? 6 : 5;
        const r = await page.evaluate(
          ([b, m, w, s]) => (window as unknown as { gradientLabBench: Bench }).gradientLabBench.throughput(b, m, 64, s, w),
          [backend, model, warmup, seconds] as const,
        );
        console.log(`${model.padEnd(4)} b64 on ${String(r.backend).padEnd(5)} (asked ${backend}): ${Math.round(r.examplesPerSecond)} examples/s, ${r.msPerStep.toFixed(1)} ms/step${r.error ? ` — ${r.error}` : ''}`);
        runs.push(r);
      }
    }
    results.throughput = runs;

    const health = await page.evaluate(() => (window as unknown as { gradientLabBench: Bench }).gradientLabBench.healthCost('cnn', 3, 3));
    console.log(`health view cost (CNN, auto backend): ${Math.round(health.off)} examples/s hidden vs ${Math.round(health.on)} shown → ${health.costPercent > 0 ? `${health.costPercent.toFixed(1)} % slower` : 'no measurable cost (the difference is run-to-run noise)'} (target ≤ 5 %)`);
    results.healthView = health;
    const latency = await page.evaluate(() => (window as unknown as { gradientLabBench: Bench }).gradientLabBench.liveChangeLatency('cnn', 10));
    const sortedMs = latency.ms.slice().sort((a: number, b: number) => a - b);
    console.log(`live change: learning rate applied ${Math.max(...latency.stepsLate)} step(s) after the request at worst (target ≤ 1), median ${sortedMs[Math.floor(sortedMs.length / 2)].toFixed(0)} ms from the control to the step that uses it`);
    results.liveChange = latency;
    await page.close();

    const curve = await measureCurveFitter(app);
    console.log(`lesson 4 curve fitter: ${Math.round(curve.stepsPerSecond)} steps/s, page ${curve.fps.toFixed(0)} fps, longest frame gap ${curve.maxFrameGapMs.toFixed(0)} ms`);
    const playground = await measurePlayground(app);
    console.log(`lesson 5 playground: ${Math.round(playground.stepsPerSecond)} steps/s, page ${playground.fps.toFixed(0)} fps while the heat map updates (target ≥ 50), longest frame gap ${playground.maxFrameGapMs.toFixed(0)} ms`);
    const featureMaps = await measureFeatureMapLatency(app);
    console.log(describeLatency(featureMaps));
    const ownClassifier = await measureOwnClassifier(app);
    console.log(`lesson 11 own classifier: ${Math.round(ownClassifier.stepsPerSecond)} steps/s (${Math.round(ownClassifier.examplesPerSecond)} drawings/s) training on ${ownClassifier.drawings} drawings, ${ownClassifier.steps} steps in ${ownClassifier.seconds.toFixed(1)} s`);
    const overfitting = await measureOverfittingLab(app);
    console.log(`lesson 8 overfitting lab: ${Math.round(overfitting.stepsPerSecond)} steps/s (batches of 32 digits), page ${overfitting.fps.toFixed(0)} fps, longest frame gap ${overfitting.maxFrameGapMs.toFixed(0)} ms`);
    results.widgets = { curveFitter: curve, playground, featureMaps, ownClassifier, overfittingLab: overfitting, ...(await benchLesson6(app)) };

    const lesson = await lessonTimeToAccuracy(app, 0.97);
    console.log(`lesson 1 defaults: 97 % validation accuracy after ${lesson.secondsTo97?.toFixed(1) ?? 'never (within the run)'} s of training (best ${(lesson.best * 100).toFixed(1)} %), backend ${lesson.backend}`);
    console.log(`frame gaps while training (brief's flags, GPU compositing on SwiftShader): max ${lesson.frames.max.toFixed(0)} ms, p99 ${lesson.frames.p99.toFixed(0)} ms, ${lesson.frames.fps.toFixed(0)} fps`);
    results.lesson1 = lesson;
  } finally {
    await app.close();
  }

  // The same run with software compositing: what Chrome does on a desktop without a GPU.
  process.env.EXTRA_CHROMIUM_ARGS = '--disable-gpu-compositing';
  const soft = await startApp();
  try {
    const lesson = await lessonTimeToAccuracy(soft, 0.97);
    console.log(`frame gaps while training (software compositing): max ${lesson.frames.max.toFixed(0)} ms, p99 ${lesson.frames.p99.toFixed(0)} ms, ${lesson.frames.fps.toFixed(0)} fps; 97 % after ${lesson.secondsTo97?.toFixed(1) ?? '—'} s`);
    results.lesson1SoftwareCompositing = lesson;
  } finally {
    await soft.close();
  }

  writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('wrote bench/results.json');
}


main().catch((error) => {
  console.error(error);
  process.exit(1);
});
