// The learner of the course test: one page in one browser profile, moving through the lessons by
// their links and doing what each exercise's prompt says, through the UI only. It times each
// self-checking exercise from the first step taken for it to its tick in the lesson's checklist.
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { exerciseDone } from '../harness';

export interface ExerciseRecord {
  lesson: string;
  exercise: string;
  /** The sentence of the lesson the steps follow (the exercise's prompt, or the prose it points to). */
  follows: string;
  seconds: number;
}

export class Learner {
  readonly records: ExerciseRecord[] = [];
  #lesson = '';

  constructor(readonly page: Page) {}

  get lesson(): string {
    return this.#lesson;
  }

  /** The widget of the open lesson with this name (its test id). */
  widget(name: string): Locator {
    return this.page.getByTestId(name);
  }

  /** Opens the first lesson from the home page's list, as a newcomer does. */
  async startFromHome(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
    const first = this.page.locator('a[href^="#/lesson/"]').first();
    await expect.poll(() => first.count(), { timeout: 30_000 }).toBe(1);
    await this.#follow(first);
  }

  /** Follows the "Next →" link at the end of the open lesson. */
  async nextLesson(): Promise<void> {
    await this.#follow(this.page.locator('a.lesson-nav-link[rel="next"]'));
  }

  async #follow(link: Locator): Promise<void> {
    const href = (await link.getAttribute('href')) ?? '';
    await link.click();
    this.#lesson = decodeURIComponent(href.replace(/^#\/lesson\//, ''));
    await expect.poll(() => this.page.locator('article.lesson h1').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => this.page.locator('.lesson-loading').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => this.page.locator('.widget-loading').count(), { timeout: 60_000 }).toBe(0);
  }

  ticked(id: string): Promise<boolean> {
    return exerciseDone(this.page, id);
  }

  /**
   * One self-checking exercise: checks it is not ticked yet, takes the steps the prompt gives,
   * and waits for the tick the app gives it (the steps may wait for it themselves, for a learner who
   * tries until it works).
   */
  async exercise(id: string, follows: string, steps: () => Promise<void>, timeout = 60_000): Promise<void> {
    expect(await this.ticked(id), `“${id}” is ticked before the learner did anything for it`).toBe(false);
    const started = performance.now();
    await steps();
    await expect.poll(() => this.ticked(id), { timeout, interval: 250, message: `“${id}” never ticked` }).toBe(true);
    this.records.push({ lesson: this.#lesson, exercise: id, follows, seconds: (performance.now() - started) / 1000 });
  }

  /** Types a value into a labelled field of a widget and presses Enter, as the lessons say. */
  async type(widget: Locator, label: string, value: string): Promise<void> {
    const field = widget.getByLabel(label, { exact: true });
    await field.fill(value);
    await field.press('Enter');
  }

  /**
   * Changes a code cell's code as the lesson asks (`edit` gets the code shown, returns the learner's)
   * and runs it with Ctrl+Enter from the editor, waiting until the run has ended.
   */
  async editAndRunCell(cellId: string, edit: (code: string) => string, timeout = 120_000): Promise<void> {
    const cell = this.page.locator(`[data-cell="${cellId}"]`);
    const code = await cell.locator('.code-editor').evaluate((host) => (host as HTMLElement & { editorCode: () => string }).editorCode());
    const editor = cell.getByRole('textbox', { name: /^Code:/ });
    await editor.fill(edit(code));
    await editor.press('Control+Enter');
    await expect.poll(() => cell.getAttribute('data-phase'), { timeout }).toMatch(/^(done|failed|stopped)$/);
  }

  /** Tries settings one after another, until the exercise ticks (the learner's "try again"). */
  async tryUntilTicked<T>(id: string, tries: readonly T[], attempt: (t: T) => Promise<void>, perTry = 60_000): Promise<T> {
    for (const t of tries) {
      await attempt(t);
      const tickedInTime = await expect
        .poll(() => this.ticked(id), { timeout: perTry, interval: 250 })
        .toBe(true)
        .then(() => true, () => false);
      if (tickedInTime) return t;
    }
    throw new Error(`“${id}” did not tick after ${tries.length} tries: ${JSON.stringify(tries)}`);
  }
}

/** The 28×28 grey levels (ink high) a digit image on the page shows, read off its canvas. */
export async function shownDigit(canvas: Locator): Promise<Uint8Array> {
  const values = await canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => 255 - data[i * 4]);
  });
  return Uint8Array.from(values);
}
