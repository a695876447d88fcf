// Chromium (Debian's) through playwright-core, behind the same driver as Firefox and WebKit, so the
// benchmark measures the three engines with the very same page-side code.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from '../harness';
import { chromiumArgs } from '../chromium';
import { EngineDriver, findButton, type Key, type Point } from './driver';

export class ChromiumDriver extends EngineDriver {
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #profile: string;
  readonly #problems: string[] = [];

  private constructor(readonly name: string, context: BrowserContext, page: Page, profile: string) {
    super();
    this.#context = context;
    this.#page = page;
    this.#profile = profile;
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.#problems.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.#problems.push(`uncaught: ${error.message}`));
  }

  /** Starts Chromium with a fresh profile, service workers allowed (as a learner's browser). */
  static async launch(): Promise<ChromiumDriver> {
    const profile = mkdtempSync(join(tmpdir(), 'gradient-lab-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 900 }, serviceWorkers: 'allow', args: chromiumArgs() });
    const page = context.pages()[0] ?? (await context.newPage());
    return new ChromiumDriver(`Chromium ${context.browser()?.version() ?? ''}`.trim(), context, page, profile);
  }

  async goto(url: string): Promise<void> {
    await this.#page.goto(url);
  }

  evaluate<T>(expression: string): Promise<T> {
    return this.#page.evaluate(expression) as Promise<T>;
  }

  async clickButton(name: RegExp): Promise<void> {
    // Scrolled to and still (see scrolledMiddle) before the click, which lands where it was measured.
    await this.scrolledMiddle(findButton(name));
    const handle = await this.#page.evaluateHandle(findButton(name));
    const button = handle.asElement() as import('playwright-core').ElementHandle<Element> | null;
    if (!button) throw new Error(`no button named ${name} on the page`);
    try {
      await button.click();
    } finally {
      await handle.dispose();
    }
  }

  async drawStrokes(selector: string, strokes: Point[][]): Promise<void> {
    const box = await this.scrolledCorner(selector);
    for (const [first, ...rest] of strokes) {
      await this.#page.mouse.move(box.x + first.x, box.y + first.y);
      await this.#page.mouse.down();
      for (const p of rest) await this.#page.mouse.move(box.x + p.x, box.y + p.y);
      await this.#page.mouse.up();
    }
  }

  async clickElement(expression: string): Promise<void> {
    const { x, y } = await this.scrolledMiddle(expression);
    await this.#page.mouse.click(x, y);
  }

  async typeText(text: string): Promise<void> {
    const [first, ...rest] = text.split('\n');
    await this.#page.keyboard.type(first);
    for (const line of rest) {
      await this.#page.keyboard.press('Enter');
      await this.#page.keyboard.type(line);
    }
  }

  async pressKey(key: Key): Promise<void> {
    await this.#page.keyboard.press(key);
  }

  consoleProblems(): string[] {
    return [...this.#problems];
  }

  async close(): Promise<void> {
    try {
      await this.#context.close();
    } finally {
      rmSync(this.#profile, { recursive: true, force: true });
    }
  }
}
