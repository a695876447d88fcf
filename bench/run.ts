// `npm run bench`: measures Gradient Lab in real headless Chromium and writes bench/results.json.
// Figures, each the median and range of BENCH_RUNS (default 3) runs: seconds from Train to 97 %
// validation accuracy with lesson 1's defaults, time to the first step, the share of time spent
// in evaluation, throughput per model, backend and thread count, epochs to 97 % for candidate
// recipes, the backend picked automatically and why; then the widgets' own figures and the
// page's frame gaps while training. Runs unchanged on a machine with a GPU (tests/e2e/chromium.ts
// picks the flags).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { TRAINING_SCHEMA } from '../src/ml/hyperparams';
import { DIGITS_TUNING } from '../src/ml/mnist';
import { NO_WASM_PARTS, WASM_PARTS, type WasmParts } from '../src/ml/wasm/parts';
import { startApp, type App, type Page } from '../tests/e2e/harness';
import { chromiumArgs, hasGpu } from '../tests/e2e/chromium';
import { lessonTimeToAccuracy } from './lessonRun';
import { benchLesson6, measureCurveFitter, measureFeatureMapLatency, measureOverfittingLab, measureOwnClassifier, measurePlayground } from './widgetBench';
import { describeLatency } from './featureMaps';
import { benchEngines, type LessonRun } from './engines';
import { CELL_BENCH_ARGS } from './cellBench';
import { LESSON9_RECIPE, measureLesson9Recipe } from './lesson9Recipe';
import { benchCells } from './cellBench';

// The functions src/bench/benchPage.ts puts on window; their results are plain JSON.
type BenchFn = (...args: any[]) => Promise<any>;
type Bench = { throughput: BenchFn; recipeRun: BenchFn; memoryCycles: BenchFn; autoBackend: BenchFn; healthCost: BenchFn; liveChangeLatency: BenchFn };

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Median and range of repeated measurements (nulls are runs that never got there). */
function stats(values: (number | null)[]): { median: number | null; min: number | null; max: number | null; runs: (number | null)[] } {
  const got = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (got.length < values.length || got.length === 0) {
    // A run that never reached the mark counts as the slowest.
    const all = values.map((v) => (v === null || !Number.isFinite(v) ? Infinity : v)).sort((a, b) => a - b);
    const median = all[Math.floor(all.length / 2)];
    return { median: Number.isFinite(median) ? median : null, min: got[0] ?? null, max: got.length === values.length ? got.at(-1)! : null, runs: values };
  }
  return { median: got[Math.floor(got.length / 2)], min: got[0], max: got.at(-1)!, runs: values };
}

const fmt = (s: ReturnType<typeof stats>, digits = 1, unit = '') =>
  s.median === null ? 'never' : `${s.median.toFixed(digits)}${unit} (${s.min?.toFixed(digits) ?? '—'}–${s.max === null ? 'never' : s.max.toFixed(digits)}${unit}, ${s.runs.length} runs)`;

/** Which of Gradient Lab's wasm speed-ups ran, in a few words. */
function speedUps(parts: WasmParts | undefined): string {
  const on = WASM_PARTS.filter((part) => parts?.[part]);
  return on.length === WASM_PARTS.length ? 'all speed-ups' : on.length === 0 ? "tfjs's own kernels" : `speed-ups: ${on.join(', ')}`;
}

/** The training settings lesson 1's trainer widget sets (its ```widget block), over the schema's defaults. */
function lesson1Settings(): Record<string, unknown> {
  const file = readdirSync('lessons').find((f) => f.startsWith('01-'))!;
  const block = /```widget\n([\s\S]*?)```/.exec(readFileSync(`lessons/${file}`, 'utf8'))![1];
  const props = parseYaml(block) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(props).filter(([key]) => key in TRAINING_SCHEMA));
}

/** Candidates for lesson 1's recipe: the one before this work (Adam 0.005, constant) first. */
const RECIPES: { name: string; overrides: Record<string, unknown> }[] = [
  { name: 'Adam 0.005, constant, batch 64, 3 epochs (before)', overrides: { learningRate: 0.005, schedule: 'constant', batchSize: 64, epochs: 3 } },
  // Lesson 1 until this session: with today's numerics the lesson's seed (42) ends at 96.9 %, and 2 of 12 Node seeds stay below 97 %.
  { name: 'Adam 0.02, one-cycle, batch 64, 3 epochs', overrides: { learningRate: 0.02, schedule: 'oneCycle', batchSize: 64, epochs: 3 } },
  { name: 'Adam 0.015, one-cycle, batch 32, 3 epochs (lesson 1)', overrides: { learningRate: 0.015, schedule: 'oneCycle', batchSize: 32, epochs: 3 } },
  // Two epochs end sooner, but in Node 3 of 12 seeds ended below 97 %.
  { name: 'Adam 0.015, one-cycle, batch 32, 2 epochs', overrides: { learningRate: 0.015, schedule: 'oneCycle', batchSize: 32, epochs: 2 } },
  { name: 'Adam 0.02, one-cycle, batch 64, 2 epochs', overrides: { learningRate: 0.02, schedule: 'oneCycle', batchSize: 64, epochs: 2 } },
];

async function openBenchPage(app: App): Promise<Page> {
  const page = await app.browser.newPage();
  await page.goto(new URL('bench.html', app.baseUrl).href);
  await page.waitForFunction(() => 'gradientLabBench' in window);
  return page;
}

async function main(): Promise<void> {
  const cores = (await import('node:os')).cpus().length;
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine: { cores, gpu: hasGpu() }, chromiumFlags: chromiumArgs({ webgpu: true }), runs: RUNS };
  // The code cells (BENCH_ONLY=cells runs only this, and keeps the other figures in results.json).
  if (process.env.BENCH_ONLY === 'cells') {
    const app = await startApp({ extraArgs: CELL_BENCH_ARGS });
    try {
      const previous = (() => {
        try {
          return JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>;
        } catch {
          return {};
        }
      })();
      writeFileSync('bench/results.json', JSON.stringify({ ...previous, cells: { date: results.date, machine: results.machine, ...(await benchCells(app)) } }, null, 2) + '\n');
      console.log('wrote bench/results.json (cells only)');
    } finally {
      await app.close();
    }
    return;
  }
  // Every engine the tests cover, the same way (BENCH_ENGINES=0 skips this; BENCH_ONLY=engines runs only this).
  if (process.env.BENCH_ENGINES !== '0') {
    const engines = await benchEngines(RUNS, Number(process.env.BENCH_ENGINE_STARTS ?? 30));
    const to97 = (runs: LessonRun[]) => stats(runs.map((r) => r.secondsTo97));
    for (const e of engines) {
      console.log(`${e.engine} (${e.version}): ${e.starts.hung} of ${e.starts.total} engine starts hung (${e.starts.fellBack} fell back to another engine); Train enabled after ${fmt(stats(e.starts.msToTrainEnabled), 0, ' ms')}`);
      console.log(`  lesson 1, Train → 97 %: idle ${fmt(to97(e.idle), 1, ' s')}, under load (one core busy) ${fmt(to97(e.underLoad), 1, ' s')}; evaluations shown during the run ${e.idle.map((r) => r.evaluationsShown).join(' / ')} (under load ${e.underLoad.map((r) => r.evaluationsShown).join(' / ')}); ${fmt(stats(e.idle.map((r) => r.examplesPerSecond)), 0, ' examples/s')} shown; backend ${e.idle[0]?.backend}`);
      console.log(`  bytes over the wire before Train is enabled (first visit): ${e.bytesBeforeTrain === null ? 'never enabled' : `${(e.bytesBeforeTrain / 1e6).toFixed(2)} MB`} (target ≤ 2.5 MB)`);
      const allOn = e.speedups.find((x) => x.config === 'all on')?.examplesPerSecond;
      if (allOn) console.log(`  speed-ups (examples/s shown, lesson 1's first seconds): ${e.speedups.map((x) => `${x.config} ${x.examplesPerSecond === null ? '—' : Math.round(x.examplesPerSecond)}${x.config !== 'all on' && x.examplesPerSecond ? ` (all on is ${(allOn / x.examplesPerSecond).toFixed(2)}× this)` : ''}`).join('; ')}`);
    }
    const chromium = stats(engines.find((e) => e.engine === 'Chromium')?.idle.map((r) => r.secondsTo97) ?? []).median;
    for (const e of engines) if (e.engine !== 'Chromium' && chromium) console.log(`  ${e.engine} reaches 97 % in ${((stats(e.idle.map((r) => r.secondsTo97)).median ?? Infinity) / chromium).toFixed(2)}× Chromium's time (target ≤ 2×)`);
    results.engines = engines;
    if (process.env.BENCH_ONLY === 'engines') {
      writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
      console.log('wrote bench/results.json (engines only)');
      return;
    }
  }
  const app = await startApp({ webgpu: true });
  try {
    const page = await openBenchPage(app);
    const bench = (fn: keyof Bench, ...args: unknown[]) => page.evaluate(([f, a]) => (window as unknown as { gradientLabBench: Bench }).gradientLabBench[f as keyof Bench](...(a as unknown[])), [fn, args] as const);
    const auto = await bench('autoBackend');
    console.log(`auto backend: ${auto.name}${auto.name === 'wasm' ? ` (${auto.threads} thread${auto.threads > 1 ? 's' : ''})` : ''} — ${auto.reason}`);
    results.autoBackend = auto;

    // Lesson 1 as the learner meets it: press Train, watch the shown validation accuracy.
    const lessonRuns = [];
    for (let i = 0; i < RUNS; i++) lessonRuns.push(await lessonTimeToAccuracy(app, 0.97));
    const to97 = stats(lessonRuns.map((r) => r.secondsTo97));
    const firstShown = stats(lessonRuns.map((r) => r.msToFirstProgress));
    console.log(`lesson 1 defaults: 97 % validation accuracy ${fmt(to97, 1, ' s')} after Train is pressed (best ${lessonRuns.map((r) => (r.best * 100).toFixed(1)).join(' / ')} %), backend ${lessonRuns[0].backend}`);
    console.log(`lesson 1: first progress on screen ${fmt(firstShown, 0, ' ms')} after Train`);
    results.lesson1 = { secondsTo97: to97, msToFirstProgress: firstShown, runs: lessonRuns };

    // The same training through the worker: time to the first step, and what evaluation costs,
    // with the validation passes on the evaluation worker (as in the app) and, to compare, in line.
    const defaultsRuns = [];
    const inLineRuns = [];
    const lesson1 = lesson1Settings();
    for (let i = 0; i < RUNS; i++) {
      defaultsRuns.push(await bench('recipeRun', lesson1, 42 + i));
      inLineRuns.push(await bench('recipeRun', lesson1, 42 + i, { ...DIGITS_TUNING, reportPredictions: true, inLineEvaluation: true }));
    }
    const firstStep = stats(defaultsRuns.map((r) => r.msToFirstStep));
    const share = stats(defaultsRuns.map((r) => r.evaluationShare * 100));
    console.log(`first step: ${fmt(firstStep, 0, ' ms')} from the train request (target ≤ 300 ms)`);
    console.log(`validation: training waited ${fmt(share, 1, ' %')} of its time for evaluation passes (target ≤ 5 %), ${defaultsRuns.map((r) => r.evaluations).join(' / ')} evaluations a run`);
    console.log(`  the evaluation worker was busy ${fmt(stats(defaultsRuns.map((r) => r.offThreadShare * 100)), 1, ' %')} of the run; 97 % reached after ${fmt(stats(defaultsRuns.map((r) => r.secondsTo97)), 2, ' s')}; whole run ${fmt(stats(defaultsRuns.map((r) => r.seconds)), 2, ' s')}`);
    console.log(`  in line instead: ${fmt(stats(inLineRuns.map((r) => r.evaluationShare * 100)), 1, ' %')} of training time, ${inLineRuns.map((r) => r.evaluations).join(' / ')} evaluations a run; 97 % reached after ${fmt(stats(inLineRuns.map((r) => r.secondsTo97)), 2, ' s')}; whole run ${fmt(stats(inLineRuns.map((r) => r.seconds)), 2, ' s')}`);
    // When the shown accuracy can change: each evaluation's epoch and accuracy (seed 42, the lesson's).
    console.log(`  evaluations of the lesson's seed (epoch: accuracy): ${defaultsRuns[0].trace.map(([epoch, acc]: number[]) => `${epoch.toFixed(2)}: ${(acc * 100).toFixed(1)} %`).join(', ')}`);
    results.firstStepMs = firstStep;
    results.validationSharePercent = share;
    results.defaultsRuns = defaultsRuns;
    results.inLineEvaluationRuns = inLineRuns;

    const runs: unknown[] = [];
    const lessonBatch = Number(lesson1.batchSize ?? 64);
    const configs: { backend: string; threads?: number; warmup: number; seconds: number; wasmParts?: Partial<WasmParts>; batchSize?: number; models?: ('cnn' | 'mlp')[] }[] = [
      { backend: 'wasm', threads: 1, warmup: 2, seconds: 3 },
      // Lesson 1's own batch size on wasm with 1 thread (the automatic choice on a 2-core machine
      // without a GPU), to hold against the speed its trainer shows.
      ...(lessonBatch !== 64 ? [{ backend: 'wasm', threads: 1, warmup: 2, seconds: 3, batchSize: lessonBatch, models: ['cnn' as const] }] : []),
      // The same with every speed-up of src/ml/wasm/ switched off: tfjs's own kernels (and the filter
      // gradient wasm lacks), for comparison.
      { backend: 'wasm', threads: 1, warmup: 2, seconds: 3, wasmParts: NO_WASM_PARTS },
      // Every core, which the automatic choice never takes (it leaves the page one): what wasm gives with nothing else to do.
      ...(cores > 1 ? [{ backend: 'wasm', threads: Math.min(4, cores), warmup: 2, seconds: 3 }] : []),
      // WebGL and WebGPU on SwiftShader compile shaders for seconds before the first batch.
      { backend: 'webgl', warmup: 12, seconds: 3 },
      { backend: 'webgpu', warmup: 8, seconds: 3 },
      { backend: 'cpu', warmup: 2, seconds: 4 },
    ];
    for (const c of configs) {
      for (const model of c.models ?? (['cnn', 'mlp'] as const)) {
        const batchSize = c.batchSize ?? 64;
        const r = await bench('throughput', c.backend, model, batchSize, c.seconds, c.warmup, c.threads, RUNS, c.wasmParts ?? {});
        const s = stats(r.rates);
        const kernels = r.backend === 'wasm' ? `, ${speedUps(r.wasmParts)}` : '';
        console.log(`${model.padEnd(4)} b${String(batchSize).padEnd(2)} on ${String(r.backend).padEnd(6)}${r.backend === 'wasm' ? ` ${r.threads} thr` : '      '} (asked ${c.backend}${kernels}): ${fmt(s, 0, ' examples/s')}, ${Number(r.msPerStep).toFixed(1)} ms/step${r.error ? ` — ${r.error}` : ''}`);
        runs.push({ ...r, examplesPerSecond: s });
      }
    }
    results.throughput = runs;

    // The numbers agree: what lesson 1's trainer showed, what the worker reported for the same
    // recipe without the page, and what the throughput measurement gives at the lesson's batch size.
    const shown = stats(lessonRuns.map((r) => r.shownExamplesPerSecond));
    const reported = stats(defaultsRuns.map((r) => r.reportedExamplesPerSecond));
    const atLessonBatch = (runs as { model: string; batchSize: number; backend: string; threads?: number; wasmParts?: WasmParts; examplesPerSecond: ReturnType<typeof stats> }[]).find((r) => r.model === 'cnn' && r.batchSize === lessonBatch && r.backend === 'wasm' && r.threads === 1 && speedUps(r.wasmParts) === 'all speed-ups');
    console.log(`the numbers agree: lesson 1's trainer showed ${fmt(shown, 0, ' examples/s')}; the worker reported ${fmt(reported, 0, ' examples/s')} for the same runs without the page; the throughput measurement gives ${atLessonBatch ? fmt(atLessonBatch.examplesPerSecond, 0, ' examples/s') : '—'} (CNN, batch ${lessonBatch}, wasm 1 thread). All are examples per wall-clock second, evaluations included`);
    results.numbersAgree = { shownInLesson: shown, reportedByWorker: reported, throughputAtLessonBatch: atLessonBatch?.examplesPerSecond ?? null, batchSize: lessonBatch };

    // Correctness, not speed: every backend frees what a run allocated.
    const memory = [];
    for (const backend of ['wasm', 'webgl', 'webgpu', 'cpu']) {
      const m = await bench('memoryCycles', backend, 3, backend === 'wasm' ? 1500 : 6000);
      const ok = m.after.length === 3 && m.after.every((n: number) => n === m.baseline);
      console.log(`memory on ${String(m.backend).padEnd(6)}: numTensors ${m.baseline} at start, ${m.after.join(' / ')} after 3 train/pause/dispose cycles — ${m.error ?? (ok ? 'back to baseline' : 'LEAK')}`);
      memory.push({ ...m, backToBaseline: ok });
    }
    results.memory = memory;

    // Recipes: epochs to 97 % (evaluated 8 times an epoch, no time budget), one seed per run.
    const recipes = [];
    for (const recipe of RECIPES) {
      const seeds = [];
      for (let i = 0; i < RUNS; i++) seeds.push(await bench('recipeRun', recipe.overrides, 42 + i, { evaluationsPerEpoch: 8, inLineEvaluation: true }));
      const epochs = stats(seeds.map((r) => r.epochsTo97));
      const finalAcc = stats(seeds.map((r) => r.perEpoch.at(-1) * 100));
      console.log(`recipe ${recipe.name.padEnd(52)}: 97 % after ${fmt(epochs, 2, ' epochs')}; at the end ${fmt(finalAcc, 1, ' %')}`);
      recipes.push({ ...recipe, epochsTo97: epochs, finalAccuracyPercent: finalAcc, runs: seeds });
    }
    results.recipes = recipes;

    const health = await bench('healthCost', 'cnn', 3, 3);
    console.log(`health view cost (CNN, auto backend): ${Math.round(health.off)} examples/s hidden vs ${Math.round(health.on)} shown → ${health.costPercent > 0 ? `${health.costPercent.toFixed(1)} % slower` : 'no measurable cost (the difference is run-to-run noise)'} (target ≤ 5 %)`);
    results.healthView = health;
    const latency = await bench('liveChangeLatency', 'cnn', 10);
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

    const frames = lessonRuns[0].frames;
    console.log(`frame gaps while training lesson 1 (brief's flags, GPU compositing on SwiftShader): max ${frames.max.toFixed(0)} ms, p99 ${frames.p99.toFixed(0)} ms, ${frames.fps.toFixed(0)} fps`);
    const tasks = lessonRuns.map((r) => r.longTasks);
    console.log(`long tasks on the main thread from Train to 97 %: ${tasks.map((t) => t.count).join(' / ')} in ${RUNS} runs, longest ${Math.max(...tasks.map((t) => t.longestMs)).toFixed(0)} ms (target: none over 50 ms)`);
    results.longTasks = tasks;
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

  // Lesson 9's "Stuck?" recipe over 5 seeds, in Node on wasm (BENCH_LESSON9=0 skips it).
  if (process.env.BENCH_LESSON9 !== '0') {
    const seeds = await measureLesson9Recipe();
    const made = seeds.filter((s) => s.bestAccuracy >= 0.98).length;
    console.log(`lesson 9 recipe (${JSON.stringify(LESSON9_RECIPE)}): ${made} of ${seeds.length} seeds reach 98 % within 3 epochs; ${seeds.map((s) => `seed ${s.seed} ${(100 * s.bestAccuracy).toFixed(2)} % at epoch ${s.atEpoch.toFixed(2)}`).join(', ')} (target: at least 4 of 5)`);
    results.lesson9Recipe = { recipe: LESSON9_RECIPE, seeds, reached98: made };
  }
  // The code cells (BENCH_CELLS=0 skips them).
  if (process.env.BENCH_CELLS !== '0') {
    const cellApp = await startApp({ extraArgs: CELL_BENCH_ARGS });
    try {
      results.cells = await benchCells(cellApp);
    } finally {
      await cellApp.close();
    }
  }
  writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('wrote bench/results.json');
}


main().catch((error) => {
  console.error(error);
  process.exit(1);
});
