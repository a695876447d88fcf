// The app in each engine the tests cover (Chromium, Firefox ESR, WebKitGTK), measured the same way
// through one driver: engine starts that hung out of fresh starts, seconds from Train to 97 % with
// lesson 1's defaults on an idle machine and under load, evaluations shown during that run, the
// training speed the trainer shows, and the bytes sent over the wire before Train is enabled on a
// first visit (counted by the server, so the same for every engine).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { preview } from 'vite';
import { ChromiumDriver } from '../tests/e2e/engines/chromium';
import { FirefoxDriver } from '../tests/e2e/engines/firefox';
import { WebKitDriver } from '../tests/e2e/engines/webkit';
import { waitFor, type EngineDriver } from '../tests/e2e/engines/driver';
import { WASM_PARTS } from '../src/ml/wasm/parts';

const LESSON_1 = '#/lesson/01-train-a-digit-classifier';
const TRAIN = /^Train$/;
/** A start that has not enabled Train after this long is counted as hung (the app's own fallback starts at 10 s). */
const HUNG_MS = 30_000;

export interface EngineFigures {
  engine: string;
  version: string;
  starts: { total: number; hung: number; fellBack: number; msToTrainEnabled: (number | null)[] };
  idle: LessonRun[];
  underLoad: LessonRun[];
  bytesBeforeTrain: number | null;
  /** Training speed shown in lesson 1 with every speed-up on, all off, and each one off alone. */
  speedups: { config: string; examplesPerSecond: number | null }[];
}

export interface LessonRun {
  secondsTo97: number | null;
  /** Distinct validation accuracies the status showed while training (before the run finished). */
  evaluationsShown: number;
  /** The median of the training speeds the trainer showed during the run (examples/s). */
  examplesPerSecond: number | null;
  backend: string;
}

const ENGINES: { name: string; launch: (origin: string) => Promise<EngineDriver> }[] = [
  { name: 'Chromium', launch: () => ChromiumDriver.launch() },
  { name: 'Firefox', launch: (origin) => FirefoxDriver.launch(origin) },
  { name: 'WebKit', launch: () => WebKitDriver.launch() },
];

/** A preview server of dist/ that counts the bytes it writes. */
async function countingServer(): Promise<{ baseUrl: string; bytes(): number; close(): Promise<void> }> {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  server.httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/`,
    bytes: () => closedBytes + [...sockets].reduce((sum, s) => sum + s.bytesWritten, 0),
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}

/** Loads lesson 1 afresh (a new document) and waits for Train; null when it did not come within HUNG_MS. */
async function startLesson(driver: EngineDriver, baseUrl: string): Promise<number | null> {
  await driver.goto('about:blank');
  const started = Date.now();
  await driver.goto(new URL(LESSON_1, baseUrl).href);
  try {
    await waitFor('Train', () => driver.buttonState(TRAIN), (state) => state === 'enabled', { timeout: HUNG_MS, interval: 50 });
    return Date.now() - started;
  } catch {
    return null;
  }
}

const READ_RUN = `(() => {
  const status = document.querySelector('[data-testid="trainer-status"]')?.textContent ?? '';
  const accuracy = /Validation accuracy: ([\\d.]+) %/.exec(status)?.[1] ?? null;
  const speed = /([\\d,]+) examples\\/s/.exec(document.querySelector('[data-testid="mnist-trainer"]')?.textContent ?? '')?.[1] ?? null;
  const finished = (document.querySelector('[data-testid="finished"]')?.textContent ?? '').trim() !== '';
  const backend = document.querySelector('[data-testid="backend"]')?.textContent?.trim() ?? '';
  return { accuracy, speed, finished, backend };
})()`;

/** Presses Train on a freshly loaded lesson 1 and watches what the page shows until the run ends. */
async function lessonRun(driver: EngineDriver, baseUrl: string): Promise<LessonRun> {
  if ((await startLesson(driver, baseUrl)) === null) return { secondsTo97: null, evaluationsShown: 0, examplesPerSecond: null, backend: 'hung' };
  await driver.clickButton(TRAIN);
  const pressed = Date.now();
  const shown: string[] = [];
  const speeds: number[] = [];
  let secondsTo97: number | null = null;
  let backend = '';
  while (Date.now() - pressed < 120_000) {
    const now = await driver.evaluate<{ accuracy: string | null; speed: string | null; finished: boolean; backend: string }>(READ_RUN);
    backend = now.backend;
    if (now.finished) break;
    if (now.accuracy !== null && shown.at(-1) !== now.accuracy) shown.push(now.accuracy);
    if (now.accuracy !== null && Number(now.accuracy) >= 97 && secondsTo97 === null) secondsTo97 = (Date.now() - pressed) / 1000;
    if (now.speed) speeds.push(Number(now.speed.replace(/,/g, '')));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (secondsTo97 === null) {
    const last = await driver.evaluate<{ accuracy: string | null }>(READ_RUN);
    if (last.accuracy !== null && Number(last.accuracy) >= 97) secondsTo97 = (Date.now() - pressed) / 1000;
  }
  const running = speeds.filter((s) => s > 0).sort((a, b) => a - b);
  return { secondsTo97, evaluationsShown: shown.length, examplesPerSecond: running.length ? running[Math.floor(running.length / 2)] : null, backend };
}

/** The speed lesson 1's trainer shows over its first seconds of training, with `query` before the #. */
async function shownSpeed(driver: EngineDriver, baseUrl: string, query: string): Promise<number | null> {
  await driver.goto('about:blank');
  await driver.goto(new URL(`${query}${LESSON_1}`, baseUrl).href);
  try {
    await waitFor('Train', () => driver.buttonState(TRAIN), (state) => state === 'enabled', { timeout: HUNG_MS, interval: 50 });
  } catch {
    return null;
  }
  await driver.clickButton(TRAIN);
  const pressed = Date.now();
  const speeds: number[] = [];
  while (Date.now() - pressed < 6000) {
    const now = await driver.evaluate<{ speed: string | null; finished: boolean }>(READ_RUN);
    if (now.finished) break;
    if (now.speed && Date.now() - pressed > 1500) speeds.push(Number(now.speed.replace(/,/g, '')));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const got = speeds.filter((v) => v > 0).sort((a, b) => a - b);
  return got.length ? got[Math.floor(got.length / 2)] : null;
}

/** Each optional part of src/ml/wasm/ off alone, all off, all on (see src/widgets/trainer/speedupsSwitch.ts). */
const SPEEDUP_CONFIGS: { config: string; query: string }[] = [
  { config: 'all on', query: '' },
  { config: 'all off', query: '?wasm-speedups=off' },
  ...WASM_PARTS.map((part) => ({ config: `${part} off`, query: `?wasm-speedups=-${part}` })),
];

/** A busy loop on one core: a learner's laptop is rarely idle. */
function cpuHog(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

export async function benchEngines(runs: number, startCount: number): Promise<EngineFigures[]> {
  const figures: EngineFigures[] = [];
  for (const engine of ENGINES) {
    // Bytes before Train: a first visit, with a fresh profile and a server of its own.
    const counting = await countingServer();
    let bytesBeforeTrain: number | null = null;
    let driver = await engine.launch(new URL(counting.baseUrl).origin);
    try {
      const ms = await startLesson(driver, counting.baseUrl);
      bytesBeforeTrain = ms === null ? null : counting.bytes();
    } finally {
      await driver.close();
      await counting.close();
    }

    const server = await countingServer();
    driver = await engine.launch(new URL(server.baseUrl).origin);
    try {
      const version = driver.name;
      const msToTrainEnabled: (number | null)[] = [];
      let fellBack = 0;
      for (let i = 0; i < startCount; i++) {
        msToTrainEnabled.push(await startLesson(driver, server.baseUrl));
        const reason = await driver.evaluate<string>(`document.querySelector('[data-testid="backend"]')?.title ?? ''`);
        if (/did not start within/.test(reason)) fellBack++;
      }
      const idle: LessonRun[] = [];
      for (let i = 0; i < runs; i++) idle.push(await lessonRun(driver, server.baseUrl));
      const underLoad: LessonRun[] = [];
      const hog = cpuHog();
      try {
        for (let i = 0; i < runs; i++) underLoad.push(await lessonRun(driver, server.baseUrl));
      } finally {
        hog.kill();
      }
      const speedups: EngineFigures['speedups'] = [];
      if (process.env.BENCH_SPEEDUPS !== '0') for (const c of SPEEDUP_CONFIGS) speedups.push({ config: c.config, examplesPerSecond: await shownSpeed(driver, server.baseUrl, c.query) });
      figures.push({ engine: engine.name, version, starts: { total: startCount, hung: msToTrainEnabled.filter((m) => m === null).length, fellBack, msToTrainEnabled }, idle, underLoad, bytesBeforeTrain, speedups });
    } finally {
      await driver.close();
      await server.close();
    }
  }
  return figures;
}
