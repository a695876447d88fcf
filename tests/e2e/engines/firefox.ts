// Firefox ESR (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi: headless, a fresh
// profile per launch, and the page's console and uncaught errors streamed to the test.
import puppeteer, { type Browser, type ElementHandle, type KeyInput, type Page } from 'puppeteer-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineDriver, findButton, type Key, type Point } from './driver';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export class FirefoxDriver extends EngineDriver {
  readonly #browser: Browser;
  readonly #page: Page;
  readonly #profile: string;
  readonly #problems: string[] = [];

  private constructor(
    readonly name: string,
    browser: Browser,
    page: Page,
    profile: string,
    appOrigin: string,
  ) {
    super();
    this.#browser = browser;
    this.#page = page;
    this.#profile = profile;
    page.on('console', (message) => {
      const type = message.type();
      if (type !== 'error' && type !== 'warn') return;
      // Messages the browser itself attributes to another origin are not the app's.
      const url = message.location().url ?? '';
      if (/^https?:/.test(url) && new URL(url).origin !== appOrigin) return;
      this.#problems.push(`console.${type}: ${message.text()}${url ? ` (${url})` : ''}`);
    });
    page.on('pageerror', (error) =>
      this.#problems.push(`uncaught: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Starts Firefox with a fresh profile; `appOrigin` is the origin whose console messages count. */
  static async launch(appOrigin: string): Promise<FirefoxDriver> {
    if (!existsSync(FIREFOX))
      throw new Error(`No Firefox at ${FIREFOX}: install Debian's firefox-esr (.ci/run does), or set FIREFOX_PATH.`);
    const profile = mkdtempSync(join(tmpdir(), 'gradient-lab-firefox-'));
    try {
      const browser = await puppeteer.launch({
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        executablePath: FIREFOX,
        headless: true,
        userDataDir: profile,
        defaultViewport: { width: 1100, height: 900 },
      });
      const page = (await browser.pages())[0] ?? (await browser.newPage());
      return new FirefoxDriver(await browser.version(), browser, page, profile, appOrigin);
    } catch (error) {
      rmSync(profile, { recursive: true, force: true });
      throw error;
    }
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
    const button = handle.asElement() as ElementHandle<Element> | null;
    if (!button) throw new Error(`no button named ${name} on the page`);
    try {
      await button.click();
    } finally {
      await handle.dispose();
    }
  }

  async drawStrokes(selector: string, strokes: Point[][]): Promise<void> {
    const box = await this.scrolledCorner(selector);
    const mouse = this.#page.mouse;
    for (const [first, ...rest] of strokes) {
      await mouse.move(box.x + first.x, box.y + first.y);
      await mouse.down();
      for (const p of rest) await mouse.move(box.x + p.x, box.y + p.y);
      await mouse.up();
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
    const keyboard = this.#page.keyboard;
    if (!key.startsWith('Shift+')) return keyboard.press(key as KeyInput);
    await keyboard.down('Shift');
    try {
      await keyboard.press(key.slice('Shift+'.length) as KeyInput);
    } finally {
      await keyboard.up('Shift');
    }
  }

  consoleProblems(): string[] {
    return [...this.#problems];
  }

  async close(): Promise<void> {
    try {
      await this.#browser.close();
    } finally {
      rmSync(this.#profile, { recursive: true, force: true });
    }
  }
}
