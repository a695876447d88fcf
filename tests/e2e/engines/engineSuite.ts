// What a learner sees in a browser engine other than Chromium, asserted the same way in each:
// lesson 1 trains past 97 % showing its accuracy as it goes and reads a drawn digit, every lesson's
// widget starts and trains, and the app reports no error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitStrokes, startPreview, validationDigits } from '../harness';
import { cellSuite } from './cellSuite';
import { findButton, waitFor, type EngineDriver, type Point } from './driver';

const TRAIN = /^Train$/;
const TRAIN_OR_PLAY = /^(Train|Play)$/;
const PAUSE = /^Pause$/;
/**
 * How far the lesson's first trainer has got, as its page shows it: the step count the toy trainers
 * carry (data-steps), the line fitter's "after N steps", or the digit trainer's epoch readout.
 */
const SHOWN_PROGRESS = `(() => {
  const steps = document.querySelector('[data-steps]');
  if (steps) return { value: Number(steps.getAttribute('data-steps')), unit: 'steps' };
  const line = document.querySelector('[data-testid="line-status"]');
  if (line) return { value: Number(/after (\\d+) steps?/.exec(line.textContent)?.[1] ?? 0), unit: 'steps' };
  const epoch = document.querySelector('[data-testid="epoch"]');
  if (epoch) return { value: parseFloat(epoch.textContent), unit: 'epochs' };
  return null;
})()`;
/** An engine start (tfjs, its wasm and the digits, in workers) gets this long before it counts as hung. */
const ENGINE_START_MS = 90_000;

export interface Engine {
  /** "Firefox ESR", "WebKitGTK": the suite's title. */
  title: string;
  /** Whether the test can read the page's console (false: only errors shown on the page count). */
  readsConsole: boolean;
  launch(appOrigin: string): Promise<EngineDriver>;
}

export function engineSuite(engine: Engine): void {
  describe(`the app in ${engine.title}`, () => {
    let baseUrl = '';
    let closeServer: (() => Promise<void>) | undefined;
    let driver: EngineDriver;
    /** Every error the page showed at the suite's checkpoints, with where. */
    const shown: string[] = [];
    let pagesVisited = 0;

    beforeAll(async () => {
      const server = await startPreview();
      ({ baseUrl, close: closeServer } = server);
      driver = await engine.launch(new URL(baseUrl).origin);
      console.log(`${engine.title}: ${driver.name}`);
    });
    afterAll(async () => {
      await driver?.close();
      await closeServer?.();
    });

    async function visit(url: string): Promise<void> {
      await driver.goto(url);
      pagesVisited++;
    }

    /**
     * Waits until the engine behind a Train or Play button has started (the button is enabled), or
     * the page shows an error; a timeout's message quotes the widget's status lines, as "Starting
     * the training engine…".
     */
    async function engineStarted(what: string, name: RegExp): Promise<void> {
      const statusLines = `[...(${findButton(name)}?.closest('.widget')?.querySelectorAll('[role="status"]') ?? [])]
        .map((el) => el.textContent.replace(/\\s+/g, ' ').trim()).filter((text) => text !== '').join(' | ')`;
      const now = await waitFor(
        `${what} to be enabled (the training engine has started)`,
        async () => ({
          button: await driver.buttonState(name),
          status: await driver.evaluate<string>(statusLines),
          errors: await driver.shownProblems(),
        }),
        (now) => now.button === 'enabled' || now.errors.length > 0,
        { timeout: ENGINE_START_MS },
      );
      expect(now.errors, `${what}: errors shown while the engine started: ${JSON.stringify(now.errors)}`).toEqual([]);
    }

    /** Records and returns the errors and alerts the page shows now. */
    async function shownNow(where: string): Promise<string[]> {
      const problems = await driver.shownProblems();
      shown.push(...problems.map((p) => `${where}: ${p}`));
      return problems;
    }

    it('lesson 1: Train shows validation accuracy as the model learns, passes 97 %, then reads a drawn held-out digit', async () => {
      await visit(new URL('#/lesson/01-train-a-digit-classifier', baseUrl).href);
      await engineStarted('the Train button', TRAIN);

      await driver.clickButton(TRAIN);
      const pressed = Date.now();
      // Every evaluation the status line shows (its accuracy and loss), and whether training was
      // still going (Pause enabled) when it was on screen. Read together, so the two agree.
      const readings: Array<{ text: string; accuracy: number; seconds: number; training: boolean }> = [];
      const read = async () => {
        const now = await driver.evaluate<{ status: string; pause: boolean; train: boolean }>(`(() => {
          const button = (name) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === name);
          return {
            status: document.querySelector('[data-testid="trainer-status"]')?.textContent.replace(/\\s+/g, ' ').trim() ?? '',
            pause: button('Pause')?.disabled === false,
            train: button('Train')?.disabled === false,
          };
        })()`);
        const match = /Validation accuracy: ([\d.]+) %/.exec(now.status);
        if (match && readings.at(-1)?.text !== now.status)
          readings.push({
            text: now.status,
            accuracy: Number(match[1]),
            seconds: (Date.now() - pressed) / 1000,
            training: now.pause,
          });
        return { accuracy: match ? Number(match[1]) : null, finished: !now.pause && now.train };
      };
      // Until 97 % is shown, or the run ends below it (then no point waiting longer).
      await waitFor(
        'validation accuracy above 97 % (or the end of the run)',
        read,
        (now) => (now.accuracy ?? 0) > 97 || (now.finished && now.accuracy !== null),
        {
          timeout: ENGINE_START_MS,
          interval: 100,
        },
      );
      const timeline = readings
        .map((r) => `${r.accuracy} % at ${r.seconds.toFixed(1)} s${r.training ? '' : ' (run over)'}`)
        .join(', ');
      console.log(`${engine.title}, lesson 1 after Train: ${timeline}`);

      expect(readings.at(-1)!.accuracy, `accuracies shown: ${timeline}`).toBeGreaterThan(97);
      // A learner watches the model learn: evaluations appear while it trains, not only at the end.
      // Soft, so that a run that fails here still checks the drawn digit below.
      expect
        .soft(readings.filter((r) => r.training).length, `evaluations shown while training: ${timeline}`)
        .toBeGreaterThanOrEqual(4);

      // A held-out digit (validation digit order[3], as in the Chromium test), drawn stroke by stroke.
      const { pixels, labels, order } = await validationDigits();
      const index = order[3];
      const width = await driver.evaluate<number>(
        `document.querySelector('[data-testid="digit-pad"]').getBoundingClientRect().width`,
      );
      const strokes = digitStrokes(pixels.subarray(index * 784, (index + 1) * 784), width).map(([from, to]) =>
        interpolate(from, to, 3),
      );
      await driver.drawStrokes('[data-testid="digit-pad"]', strokes);
      const prediction = await waitFor(
        `the pad to predict ${labels[index]}`,
        async () => ((await driver.textOf('.digit-pad [aria-live="polite"]')) ?? '').trim(),
        (text) => new RegExp(`^Prediction: ${labels[index]}\\b`).test(text),
        { timeout: 15_000 },
      ).catch((error: Error) => error.message);
      console.log(
        `${engine.title}, lesson 1: held-out digit ${index} (a ${labels[index]}) drawn, the pad says "${prediction}"`,
      );
      expect(prediction).toMatch(new RegExp(`^Prediction: ${labels[index]}\\b`));

      expect(await shownNow('lesson 1')).toEqual([]);
    });

    it(
      'every lesson opens and its first Train or Play button trains, with no error shown',
      { timeout: 300_000 },
      async () => {
        await visit(baseUrl);
        await waitFor(
          'the home page to link the lessons',
          () => driver.count('a[href^="#/lesson/"]'),
          (n) => n > 4,
        );
        const links = [
          ...new Set(
            await driver.evaluate<string[]>(
              `[...document.querySelectorAll('a[href^="#/lesson/"]')].map((a) => a.getAttribute('href'))`,
            ),
          ),
        ];

        let trained = 0;
        let previousTitle: string | null = null;
        for (const href of links) {
          const started = Date.now();
          previousTitle = await openLesson(href, previousTitle);
          const progress = await trainBriefly(href);
          if (progress !== null) trained++;
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          console.log(`${engine.title}, ${href}: ${progress ?? 'no Train or Play button'} after ${seconds} s`);
          expect(await shownNow(href), href).toEqual([]);
        }
        expect(trained).toBe(links.length - 2); // lesson 12 has no widget; lesson 11 needs drawings before it trains
      },
    );

    it(`the app reports no error: ${engine.readsConsole ? 'no console error or warning, none shown' : 'none shown (this engine’s console cannot be read by the test)'}`, async () => {
      expect(pagesVisited, 'the tests above opened pages').toBeGreaterThan(0);
      await shownNow('the last page open');
      expect(shown).toEqual([]);
      const logged = driver.consoleProblems();
      expect(logged === null).toBe(!engine.readsConsole);
      if (logged !== null) expect(logged).toEqual([]);
    });

    // After the check above, on the same browser: the cells' own console check leaves out the CSP
    // reports their hostile code causes on purpose.
    cellSuite({ title: engine.title, readsConsole: engine.readsConsole, driver: () => driver, baseUrl: () => baseUrl });

    /** Opens a lesson and waits until every widget on it has loaded (or failed visibly); returns its title. */
    async function openLesson(href: string, previousTitle: string | null): Promise<string> {
      await visit(new URL(href, baseUrl).href);
      const page = await waitFor(
        `${href} to open with its widgets loaded`,
        () =>
          driver.evaluate<{ titles: string[]; loading: number; prose: number; widgetsLoading: number }>(`({
            titles: [...document.querySelectorAll('article.lesson h1')].map((h) => h.textContent.trim()),
            loading: document.querySelectorAll('.lesson-loading').length,
            prose: document.querySelectorAll('article.lesson .prose').length,
            widgetsLoading: document.querySelectorAll('.widget-loading').length,
          })`),
        // A new title: the previous lesson's page is gone (a hash change renders the next one in place).
        (p) =>
          p.titles.length === 1 &&
          p.titles[0] !== previousTitle &&
          p.loading === 0 &&
          p.prose > 0 &&
          p.widgetsLoading === 0,
        { timeout: 60_000 },
      );
      return page.titles[0];
    }

    /**
     * Presses the first Train or Play button once it is enabled, and waits until the model has taken
     * steps as the page shows them. Returns what was seen ("3 steps"), or null when the lesson has
     * no such button.
     */
    async function trainBriefly(href: string): Promise<string | null> {
      if ((await driver.buttonState(TRAIN_OR_PLAY)) === 'missing') return null;
      await engineStarted(`${href}: its first Train or Play button`, TRAIN_OR_PLAY);
      await driver.clickButton(TRAIN_OR_PLAY);
      const progress = await waitFor(
        `${href}: the model to take steps`,
        () => driver.evaluate<{ value: number; unit: string } | null>(SHOWN_PROGRESS),
        (shown) => shown === null || shown.value > 0,
        { timeout: 60_000 },
      );
      if (progress !== null) return `${progress.value} ${progress.unit}`;
      // A widget that shows no count of its own: training has begun once Pause is enabled.
      await waitFor(
        `${href}: training to begin (Pause enabled)`,
        () => driver.buttonState(PAUSE),
        (state) => state === 'enabled',
        { timeout: 30_000 },
      );
      return 'training (Pause enabled)';
    }
  });
}

/** The points a pointer passes from `from` to `to` in `steps` equal moves (as Playwright's mouse.move steps). */
function interpolate(from: Point, to: Point, steps: number): Point[] {
  return [
    from,
    ...Array.from({ length: steps }, (_, i) => ({
      x: from.x + ((to.x - from.x) * (i + 1)) / steps,
      y: from.y + ((to.y - from.y) * (i + 1)) / steps,
    })),
  ];
}
