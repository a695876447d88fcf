// WebKitGTK (Debian's webkit2gtk-driver) driven by selenium-webdriver over classic W3C WebDriver:
// MiniBrowser in automation mode, on an Xvfb display this harness starts itself, so `npm test`
// stays one command on a machine without a screen.
//
// Limit: classic WebDriver cannot stream a page's console, there is no BiDi in WebKitWebDriver
// (asking for `webSocketUrl` fails), MiniBrowser ignores --enable-write-console-messages-to-stdout
// in automation mode, and wrapping console.warn/error would mean injecting code into the app
// before it runs, which WebDriver offers no way to do. So in WebKit the tests see only what a
// learner sees: errors shown on the page (error boxes, alerts), not console errors or warnings.
import { Builder, Button, Key, Origin, type WebDriver, type WebElement } from 'selenium-webdriver';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { EngineDriver, findButton, waitFor, type Key as EngineKey, type Point } from './driver';

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const XVFB = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';

export class WebKitDriver extends EngineDriver {
  readonly #driver: WebDriver;
  readonly #processes: ChildProcess[];

  private constructor(
    readonly name: string,
    driver: WebDriver,
    processes: ChildProcess[],
  ) {
    super();
    this.#driver = driver;
    this.#processes = processes;
  }

  /** Starts Xvfb on a free display, WebKitWebDriver on a free port, and a MiniBrowser session. */
  static async launch(): Promise<WebKitDriver> {
    for (const path of [WEBKIT_DRIVER, MINIBROWSER, XVFB]) {
      if (!existsSync(path)) throw new Error(`No ${path}: install Debian's webkit2gtk-driver and xvfb (.ci/run does).`);
    }
    const processes: ChildProcess[] = [];
    try {
      const { process: xvfb, display } = await startXvfb();
      processes.push(xvfb);
      const port = await freePort();
      const server = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
        env: { ...process.env, DISPLAY: display },
        stdio: 'ignore',
      });
      processes.push(server);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        `WebKitWebDriver on port ${port}`,
        () => ready(url, server),
        (up) => up,
        { timeout: 30_000 },
      );
      const driver = await new Builder()
        .usingServer(url)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        })
        .build();
      await driver.manage().window().setRect({ width: 1100, height: 900 });
      const capabilities = await driver.getCapabilities();
      return new WebKitDriver(`WebKitGTK ${capabilities.getBrowserVersion() ?? ''}`.trim(), driver, processes);
    } catch (error) {
      for (const child of processes.reverse()) child.kill();
      throw error;
    }
  }

  async goto(url: string): Promise<void> {
    await this.#driver.get(url);
  }

  evaluate<T>(expression: string): Promise<T> {
    return this.#driver.executeScript(`return (${expression});`);
  }

  async clickButton(name: RegExp): Promise<void> {
    // Scrolled to and still (see scrolledMiddle) before the click, which lands where it was measured.
    await this.scrolledMiddle(findButton(name));
    const button = await this.#driver.executeScript<WebElement | null>(`return ${findButton(name)};`);
    if (!button) throw new Error(`no button named ${name} on the page`);
    await button.click();
  }

  async drawStrokes(selector: string, strokes: Point[][]): Promise<void> {
    const box = await this.scrolledCorner(selector);
    // One action sequence for all strokes: one round trip, not one per pointer move.
    const at = (p: Point) => ({
      x: Math.round(box.x + p.x),
      y: Math.round(box.y + p.y),
      origin: Origin.VIEWPORT,
      duration: 0,
    });
    let actions = this.#driver.actions({ async: true });
    for (const [first, ...rest] of strokes) {
      actions = actions.move(at(first)).press(Button.LEFT);
      for (const p of rest) actions = actions.move(at(p));
      actions = actions.release(Button.LEFT);
    }
    await actions.perform();
  }

  async clickElement(expression: string): Promise<void> {
    const { x, y } = await this.scrolledMiddle(expression);
    await this.#driver
      .actions({ async: true })
      .move({ x: Math.round(x), y: Math.round(y), origin: Origin.VIEWPORT, duration: 0 })
      .press(Button.LEFT)
      .release(Button.LEFT)
      .perform();
  }

  async typeText(text: string): Promise<void> {
    // One action sequence: the keys go to the focused element, as a user's typing does.
    await this.#driver.actions({ async: true }).sendKeys(text.replace(/\n/g, Key.ENTER)).perform();
  }

  async pressKey(key: EngineKey): Promise<void> {
    const name = { Enter: Key.ENTER, Home: Key.HOME, End: Key.END } as const;
    const actions = this.#driver.actions({ async: true });
    if (!key.startsWith('Shift+')) return actions.sendKeys(name[key as keyof typeof name]).perform();
    await actions
      .keyDown(Key.SHIFT)
      .sendKeys(name[key.slice('Shift+'.length) as keyof typeof name])
      .keyUp(Key.SHIFT)
      .perform();
  }

  /** Not available in WebKit: see the comment at the top of this file. */
  consoleProblems(): null {
    return null;
  }

  async close(): Promise<void> {
    try {
      await this.#driver.quit();
    } finally {
      for (const child of this.#processes.reverse()) child.kill();
    }
  }
}

/** Xvfb picks a free display itself and writes its number to the pipe given by -displayfd. */
function startXvfb(): Promise<{ process: ChildProcess; display: string }> {
  return new Promise((resolve, reject) => {
    const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let number = '';
    xvfb.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      number += chunk.toString();
      if (number.includes('\n')) resolve({ process: xvfb, display: `:${number.trim()}` });
    });
    xvfb.on('error', reject);
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function ready(url: string, server: ChildProcess): Promise<boolean> {
  if (server.exitCode !== null) throw new Error(`WebKitWebDriver exited (${server.exitCode})`);
  try {
    const status = (await (await fetch(`${url}/status`)).json()) as { value?: { ready?: boolean } };
    return status.value?.ready === true;
  } catch {
    return false;
  }
}
