// The lessons' code cells in an engine other than Chromium, as a learner uses them: edited by
// typing and run, their chart draws and the lesson's exercise ticks; an endless loop is stopped
// by Stop within 2 s; hostile code (the network, the app's storage, its page, navigation) is
// refused and the learner's progress is left as it was. Registered by engineSuite after its own
// checks, on the same browser (one launch per engine for everything).
import { describe, expect, it } from 'vitest';
import { encodeCellCode } from '../../../src/widgets/cells/cellLink';
import { PROGRESS_STORAGE_KEY } from '../../../src/app/progress.svelte';
import { waitFor, type EngineDriver } from './driver';

export interface CellSuiteContext {
  /** The engine's driver and the app's address, once the suite's beforeAll has started them. */
  driver(): EngineDriver;
  baseUrl(): string;
  /** Whether the engine's console can be read (Firefox: yes; WebKit: no). */
  readsConsole: boolean;
  title: string;
}

/** A cell's element, page-side. */
const cell = (id: string) => `document.querySelector('[data-testid="code-cell"][data-cell="${id}"]')`;
/** What a cell shows: its phase, status, printed text, chart points and exercise lines. */
const cellView = (id: string) => `(() => {
  const el = ${cell(id)};
  if (!el) return null;
  const text = (selector) => [...el.querySelectorAll(selector)].map((e) => e.textContent).join('\\n').trim();
  const chart = el.querySelector('[data-testid="cell-chart"]');
  const editor = el.querySelector('.code-editor')?.shadowRoot;
  return {
    phase: el.getAttribute('data-phase'),
    status: text('[data-testid="cell-status"]'),
    error: text('[data-testid="cell-error"]'),
    lines: text('[data-testid="cell-lines"]'),
    points: chart ? Number(chart.getAttribute('data-points')) : null,
    exercises: [...el.querySelectorAll('[data-testid="exercise-done"]')].map((e) => e.textContent.replace(/\\s+/g, ' ').trim()),
    // The whole code from the editor: CodeMirror draws only the lines near the screen.
    code: editor ? el.querySelector('.code-editor').editorCode() : null,
  };
})()`;
type CellView = {
  phase: string;
  status: string;
  error: string;
  lines: string;
  points: number | null;
  exercises: string[];
  code: string | null;
};
/** The cell's Run and Stop buttons, by their names within the cell. */
const RUN = /^Run\b/;
const STOP = /^Stop$/;
const cellButton = (id: string, name: RegExp) =>
  `([...${cell(id)}.querySelectorAll('button')].find((b) => new RegExp(${JSON.stringify(name.source)}).test(b.textContent.replace(/\\s+/g, ' ').trim())) ?? null)`;

/** The endless loop of check 2, and the hostile code of check 3 (its attempts, each named). */
const ENDLESS = 'while (true) {}\n';
function hostileCode(appUrl: string): string {
  return `const attempts = {
  fetch: () => fetch(${JSON.stringify(appUrl)}).then((response) => response.text()),
  localStorage: () => localStorage.getItem(${JSON.stringify(PROGRESS_STORAGE_KEY)}),
  indexedDB: () => new Promise((resolve, reject) => {
    const request = indexedDB.open('cell-probe');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }),
  'parent.document': () => parent.document.title,
  'top.location': () => { top.location = ${JSON.stringify(appUrl)}; },
  'document.cookie': () => document.cookie,
};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    console.log('ALLOWED: ' + name);
  } catch (error) {
    console.log('refused: ' + name + ' (' + (error && error.name) + ')');
  }
}
`;
}
const HOSTILE_NAMES = ['fetch', 'localStorage', 'indexedDB', 'parent.document', 'top.location', 'document.cookie'];

/**
 * Firefox streams the sandbox frame's CSP reports to the app page's console (as uncaught
 * "Content-Security-Policy: …" errors). The hostile cell causes them on purpose (its fetch meets
 * connect-src 'none'); they are the sandbox working, so they are left out of the console check.
 */
const CELL_CSP_REPORT = /Content[- ]Security[- ]Policy.*(connect-src|eval)/i;

export function cellSuite(context: CellSuiteContext): void {
  describe('code cells', () => {
    const title = context.title;
    /** How many console problems there were before the first cell check: only later ones are the cells'. */
    let consoleBefore: number | null = null;
    const d = () => context.driver();
    const view = (id: string) => d().evaluate<CellView | null>(cellView(id));

    async function openCell(url: string, id: string, until: (v: CellView) => boolean = () => true): Promise<CellView> {
      consoleBefore ??= d().consoleProblems()?.length ?? null;
      // Through the home page, so the lesson page (and its cell, which reads a link's code as it
      // starts) is made anew even when only the link's query changed.
      await d().goto(context.baseUrl());
      await waitFor('the home page', () => d().count('a[href^="#/lesson/"]'), (n) => n > 0);
      await d().goto(url);
      const shown = (await waitFor(`cell ${id} to show its code`, () => view(id), (v) => v !== null && v.code !== null && v.code !== '' && until(v), {
        timeout: 60_000,
      }))!;
      // The page settles (the widgets around the cell load and take their height), so a click lands
      // where the button was seen.
      await waitFor('the lesson’s widgets to load', () => d().count('.widget-loading'), (n) => n === 0, { timeout: 60_000 });
      await d().evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      return shown;
    }

    async function runAndWait(id: string, phases: string[], timeout = 90_000): Promise<CellView> {
      // The button's own click, in the page: a mouse click at the button's spot can miss when a
      // widget above the cell settles its height in between (seen in Firefox: the page scrolled by
      // 92 px between finding the button and clicking it, and the run never started).
      await d().evaluate(`(${cellButton(id, RUN)}.click(), true)`);
      return (await waitFor(`cell ${id} to reach ${phases.join(' or ')}`, () => view(id), (v) => v !== null && phases.includes(v.phase), {
        timeout,
      }))!;
    }

    it('lesson 3: the learner types the two update lines in place of the TODO, runs the cell, and its chart draws and the exercise ticks', async () => {
      const id = 'descent-by-hand';
      const before = await openCell(new URL('#/lesson/03-gradient-descent', context.baseUrl()).href, id);
      expect(before.phase).toBe('idle');
      expect(before.code).toContain('// TODO: take the step.');
      // Click on the TODO line, select its text (End, then Shift+Home: up to its indentation), and
      // type the two lines over it; Enter keeps the indentation (the editor indents new lines).
      // The page settles first (the widgets above the cell load and take their height), so the
      // click lands where the line was seen.
      await waitFor('the lesson’s widgets to load', () => d().count('.widget-loading'), (n) => n === 0, { timeout: 60_000 });
      await d().evaluate(`(${cell(id)}.scrollIntoView({ block: 'start' }), new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))`);
      await d().clickElement(
        `[...${cell(id)}.querySelector('.code-editor').shadowRoot.querySelectorAll('.cm-line')].find((line) => line.textContent.includes('TODO: take the step'))`,
      );
      const editor = `${cell(id)}.querySelector('.code-editor').shadowRoot`;
      await waitFor('the editor to have the focus', () => d().evaluate<boolean>(`${editor}.activeElement?.classList.contains('cm-content') ?? false`), (focused) => focused, {
        timeout: 5_000,
      });
      await d().evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      await d().pressKey('End');
      await d().pressKey('Shift+Home');
      // What the learner selected (a shadow root's selection: its own getSelection where the engine has one).
      await waitFor(
        'the TODO line to be selected',
        () => d().evaluate<string>(`String((${editor}.getSelection?.() ?? document.getSelection()) ?? '')`),
        (selected) => selected === '// TODO: take the step. Move m and b a little against their gradients.',
        { timeout: 5_000 },
      );
      await d().typeText('m = m - learningRate * gradientM;\nb = b - learningRate * gradientB;');
      const edited = (await waitFor('the typed lines to show in the editor', () => view(id), (v) => !v!.code!.includes('TODO: take the step'), {
        timeout: 5_000,
      }))!;
      expect(edited.code).not.toContain('TODO: take the step');
      expect(edited.code).toMatch(/\n {2}m = m - learningRate \* gradientM;\n {2}b = b - learningRate \* gradientB;\n/);

      const after = await runAndWait(id, ['done', 'failed', 'stopped']);
      console.log(`${title}, ${id}: ${after.status} | ${after.lines.replace(/\n/g, ' | ')} | chart: ${after.points} points`);
      expect(after.error).toBe('');
      expect(after.phase).toBe('done');
      expect(after.points).toBeGreaterThanOrEqual(100);
      expect(after.exercises.join(' ')).toMatch(/^✓ Exercise done/);
      expect(
        await d().evaluate<boolean>(`document.querySelector('li[data-exercise="update-by-hand"] input[type="checkbox"]')?.checked ?? false`),
        'the lesson’s checklist ticks update-by-hand',
      ).toBe(true);
    });

    it('lesson 2: an endless loop from a shared link does not run until Run, and Stop ends it within 2 s', async () => {
      const id = 'loss-by-hand';
      const url = new URL(`#/lesson/02-fitting-a-line?cell.${id}=${await encodeCellCode(ENDLESS)}`, context.baseUrl()).href;
      const shown = await openCell(url, id, (v) => v.code!.includes('while (true)'));
      expect(shown.code).toBe(ENDLESS);
      // Seen, not run: give it a moment to (wrongly) start.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const idle = (await view(id))!;
      expect(idle.phase).toBe('idle');
      expect(idle.status).toBe('');

      await runAndWait(id, ['running', 'done', 'failed', 'stopped']);
      expect((await view(id))!.phase).toBe('running');
      // Timed by the page itself, from its own click on Stop to the cell showing it stopped.
      const took = await d().evaluate<number | string>(`new Promise((resolve) => {
        const el = ${cell(id)};
        const stop = ${cellButton(id, STOP)};
        if (!stop || stop.disabled) return resolve('Stop is not enabled');
        const observer = new MutationObserver(() => {
          if (el.getAttribute('data-phase') !== 'running') { observer.disconnect(); resolve(el.getAttribute('data-phase') === 'stopped' ? performance.now() - clicked : 'phase ' + el.getAttribute('data-phase')); }
        });
        observer.observe(el, { attributes: true, attributeFilter: ['data-phase'] });
        setTimeout(() => { observer.disconnect(); resolve('still ' + el.getAttribute('data-phase') + ' after 10 s'); }, 10000);
        const clicked = performance.now();
        stop.click();
      })`);
      const stopped = (await view(id))!;
      console.log(`${title}, endless loop: Stop took ${typeof took === 'number' ? `${took.toFixed(0)} ms` : took}; "${stopped.status}"`);
      expect(typeof took, String(took)).toBe('number');
      expect(took as number).toBeLessThan(2000);
      expect(stopped.status).toMatch(/^Stopped after /);
    });

    it('lesson 2: hostile code from a link is refused (network, storage, the page, navigation) and progress is unchanged', async () => {
      const id = 'loss-by-hand';
      const appUrl = context.baseUrl();
      const code = hostileCode(appUrl);
      const url = new URL(`#/lesson/02-fitting-a-line?cell.${id}=${await encodeCellCode(code)}`, appUrl).href;
      await openCell(url, id, (v) => v.code!.includes('ALLOWED'));
      const progressBefore = await d().evaluate<string | null>(`localStorage.getItem(${JSON.stringify(PROGRESS_STORAGE_KEY)})`);
      expect(progressBefore, 'progress from the lesson 3 check is there to keep').toContain('update-by-hand');

      const after = await runAndWait(id, ['done', 'failed', 'stopped'], 60_000);
      console.log(`${title}, hostile cell: ${after.lines.replace(/\n/g, ' | ')}`);
      expect(after.error).toBe('');
      expect(after.phase).toBe('done');
      expect(after.lines).not.toContain('ALLOWED');
      expect(after.lines.split('\n').map((line) => line.replace(/ \(.*\)$/, ''))).toEqual(HOSTILE_NAMES.map((name) => `refused: ${name}`));
      // Still on the app's page (top.location did not move it), and progress byte for byte as before.
      expect(await d().evaluate<string>('location.href')).toBe(url);
      expect(await d().evaluate<string | null>(`localStorage.getItem(${JSON.stringify(PROGRESS_STORAGE_KEY)})`)).toBe(progressBefore);
    });

    it('an error in the code shows the learner’s line and the engine’s message, and the cell runs again after it', async () => {
      const id = 'loss-by-hand';
      const cases = [
        { code: 'const a = 1;\n\nnull.foo;\n', shows: /^Line 3:\s*TypeError: / },
        { code: 'const t = tf.tensor([1, 2]);\n\nt.add(tf.tensor([1, 2, 3]));\n', shows: /^Line 3:\s*Error: Operands could not be broadcast/ },
        { code: 'const a = 1;\nconst b = ;\n', shows: /^Line 2:\s*SyntaxError: (?!SyntaxError)/ },
      ];
      for (const { code, shows } of cases) {
        const url = new URL(`#/lesson/02-fitting-a-line?cell.${id}=${await encodeCellCode(code)}`, context.baseUrl()).href;
        await openCell(url, id, (v) => v.code === code);
        const after = await runAndWait(id, ['done', 'failed', 'stopped'], 60_000);
        expect(after.phase).toBe('failed');
        expect(after.error.replace(/\s+/g, ' ')).toMatch(shows);
      }
    });

    it(`the cells caused no error: ${context.readsConsole ? 'none in the console but the sandbox’s own CSP reports, none shown' : 'none shown'}`, async () => {
      expect(await d().shownProblems()).toEqual([]);
      const logged = d().consoleProblems();
      if (logged === null || consoleBefore === null) return;
      const cells = logged.slice(consoleBefore);
      const reports = cells.filter((problem) => CELL_CSP_REPORT.test(problem));
      console.log(`${title}, console during the cell checks: ${cells.length} problems, ${reports.length} of them the sandbox’s CSP reports${reports.map((r) => `\n  ${r}`).join('')}`);
      expect(cells.filter((problem) => !CELL_CSP_REPORT.test(problem))).toEqual([]);
    });
  });
}
