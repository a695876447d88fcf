// The few things the engine tests do to a page, over two automation protocols: Firefox through
// puppeteer-core (WebDriver BiDi) and WebKitGTK through selenium-webdriver (classic WebDriver).
// Reading the page goes through `evaluate` with scripts written as strings, so both engines run the
// very same page-side code; acting on it (clicks, pointer strokes) goes through each protocol's
// input actions, so the page sees trusted events as from a user.

export interface Point {
  x: number;
  y: number;
}

export type ButtonState = 'missing' | 'disabled' | 'enabled';

/** The keys the tests press on the focused element: plain, or with Shift held (to select). */
export type Key = 'Enter' | 'Home' | 'End' | 'Shift+Home' | 'Shift+End';

export abstract class EngineDriver {
  /** The browser and its version, for messages. */
  abstract readonly name: string;

  /** Opens a URL (a change of hash only is a same-document navigation, as for a user's link). */
  abstract goto(url: string): Promise<void>;

  /** The value of a JavaScript expression in the page (awaited if it is a promise; JSON-like values only). */
  abstract evaluate<T>(expression: string): Promise<T>;

  /** Clicks the first rendered button whose accessible name matches, with the engine's own input actions. */
  abstract clickButton(name: RegExp): Promise<void>;

  /**
   * Draws strokes with the mouse on the element the selector finds (scrolled into view first): each
   * stroke presses at its first point, moves through the others and releases. Points are CSS
   * pixels from the element's top-left corner.
   */
  abstract drawStrokes(selector: string, strokes: Point[][]): Promise<void>;

  /**
   * Clicks, with the engine's input actions, the middle of the element a page-side expression
   * gives (scrolled into view first). The expression may reach into shadow roots, where a
   * selector cannot (the code cells' editor is in one).
   */
  abstract clickElement(expression: string): Promise<void>;

  /** Types text into the focused element, key by key as a user would (a newline presses Enter). */
  abstract typeText(text: string): Promise<void>;

  /** Presses a key on the focused element. */
  abstract pressKey(key: Key): Promise<void>;

  /**
   * The console errors and warnings and uncaught errors of the app's page and workers since the
   * start, or null where the engine's protocol cannot stream them (classic WebDriver has no console).
   */
  abstract consoleProblems(): string[] | null;

  abstract close(): Promise<void>;

  /** The text content of the first element the selector finds, or null when there is none. */
  textOf(selector: string): Promise<string | null> {
    return this.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`);
  }

  /** How many elements the selector finds. */
  count(selector: string): Promise<number> {
    return this.evaluate(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
  }

  buttonState(name: RegExp): Promise<ButtonState> {
    return this.evaluate(`(() => {
      const button = ${findButton(name)};
      return button === null ? 'missing' : button.disabled || button.getAttribute('aria-disabled') === 'true' ? 'disabled' : 'enabled';
    })()`);
  }

  /** Scrolls the element the selector finds into the middle of the view; its top-left corner in CSS pixels. */
  protected scrolledCorner(selector: string): Promise<Point> {
    return this.evaluate<Point>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      el.scrollIntoView({ block: 'center' });
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y };
    })()`);
  }

  /** The middle of the element a page-side expression gives, scrolled into view, in CSS pixels of the viewport. */
  protected async scrolledMiddle(expression: string): Promise<Point> {
    // Scrolled to, then measured until it holds still for two frames: a widget above that settles
    // its height (an editor measuring its wrapped lines) would move it between measuring and clicking.
    const middle = await this.evaluate<Point | null>(`(async () => {
      const el = ${expression};
      if (!el) return null;
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      let last = null;
      for (let tries = 0; tries < 20; tries++) {
        el.scrollIntoView({ block: 'center' });
        await frame();
        const r = el.getBoundingClientRect();
        const now = { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        if (last && last.x === now.x && last.y === now.y) return now;
        last = now;
      }
      return last;
    })()`);
    if (!middle) throw new Error(`nothing to click: ${expression} found no element`);
    return middle;
  }

  /** The texts of the error boxes and alerts shown on the page (rendered, not empty). */
  shownProblems(): Promise<string[]> {
    return this.evaluate(`[...document.querySelectorAll('[role="alert"], .error-box')]
      .filter((el) => el.getClientRects().length > 0 && (el.textContent ?? '').trim() !== '')
      .map((el) => (el.innerText || el.textContent).replace(/\\s+/g, ' ').trim())`);
  }
}

/**
 * A page-side expression for the first rendered button whose accessible name (its aria-label, or
 * its text) matches `name`: the few buttons the tests press have plain names.
 */
export function findButton(name: RegExp): string {
  return `(() => {
    const name = new RegExp(${JSON.stringify(name.source)}, ${JSON.stringify(name.flags)});
    const label = (el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\\s+/g, ' ').trim();
    return [...document.querySelectorAll('button, [role="button"]')].find((el) => el.getClientRects().length > 0 && name.test(label(el))) ?? null;
  })()`;
}

/**
 * Polls `read` every `interval` ms until `done` accepts its value, and returns that value; throws
 * after `timeout` ms with the last value seen. A read that throws (a page between two documents)
 * counts as not done yet.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeout = 30_000, interval = 100 } = {},
): Promise<T> {
  const started = Date.now();
  let last: { value: T } | { error: unknown } | null = null;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started >= timeout) {
      const seen =
        last === null ? 'nothing' : 'value' in last ? JSON.stringify(last.value) : `an error: ${String(last.error)}`;
      throw new Error(`Timed out after ${(timeout / 1000).toFixed(0)} s waiting for ${what}; last read: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
