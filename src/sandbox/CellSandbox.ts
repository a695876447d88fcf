// The page's side of a code cell's sandbox: one hidden frame (frameBoot.ts) per cell, made when
// first needed. A run hands the frame the runtime and the learner's code with their data, and ends
// in one of four ways: done, failed (their line and message), stopped (Stop, the time limit or a
// re-run), or not started (the frame never answered). Stop terminates the run's worker; if the
// frame does not confirm within a second, the frame itself is removed, which ends everything in it.
import { frameDocument } from './frameBoot';
import { readFrameMessage } from './cellMessages';
import { cellScript, editorLine, type CellScript } from './cellScript';
import type { CellError, CellInputs, CellOutputItem, FrameToPage, PageToFrame } from './cellProtocol';

export type StopCause = 'learner' | 'time-limit' | 'rerun' | 'flood';

/**
 * More messages than this in one second end the run: the outbox sends a few dozen a second at
 * most (batches every 50 ms, or of 200 items), so only code that posts to the page itself, past
 * the outbox, gets there, and each message costs the page's main thread a check.
 */
export const MAX_MESSAGES_PER_SECOND = 300;

export type RunEnd =
  | { kind: 'done'; ms: number; tensorsLeft: number; baselineTensors: number }
  | { kind: 'failed'; error: CellError }
  | { kind: 'stopped'; cause: StopCause; afterMs: number; ms: number }
  | { kind: 'not-started'; message: string };

export interface RunListener {
  started?(backend: string): void;
  output(items: CellOutputItem[]): void;
}

export interface SandboxOptions {
  /** Where the hidden frame goes. */
  container: HTMLElement;
  /** The cell runtime's script text (fetched once by the caller). */
  runtime: () => Promise<string>;
  /** The CSP hash source of the frame's boot script ('sha256-…'), computed at build time. */
  frameHash: string;
  /** How long the frame may take to start. */
  readyTimeoutMs?: number;
  /** How long a stopped run's frame may take to confirm before it is removed. */
  stopGraceMs?: number;
}

interface ActiveRun {
  runId: number;
  script: CellScript;
  listener: RunListener;
  began: number;
  finish: (end: RunEnd) => void;
  timer: ReturnType<typeof setTimeout>;
  stopping: { cause: StopCause; at: number; grace: ReturnType<typeof setTimeout> } | null;
  /** Messages this second (from `second`), for the flood limit. */
  second: number;
  messages: number;
}

export class CellSandbox {
  #options: Required<SandboxOptions>;
  #frame: HTMLIFrameElement | null = null;
  #ready: Promise<void> | null = null;
  /** The runtime the frame holds (sent once per frame, not with every run). */
  #frameRuntime: string | null = null;
  #readyResolve: (() => void) | null = null;
  #run: ActiveRun | null = null;
  #runIds = 0;
  #onMessage = (event: MessageEvent) => this.#receive(event);

  constructor(options: SandboxOptions) {
    this.#options = { readyTimeoutMs: 10_000, stopGraceMs: 1000, ...options };
    window.addEventListener('message', this.#onMessage);
  }

  get running(): boolean {
    return this.#run !== null;
  }

  /** Runs `code` with `inputs`, stopped after `timeLimitMs`. A run already going is stopped first. */
  async run(code: string, inputs: CellInputs, timeLimitMs: number, listener: RunListener): Promise<RunEnd> {
    if (this.#run) await this.stop('rerun');
    let runtime: string;
    try {
      await this.#frameReady();
      runtime = await this.#options.runtime();
    } catch (error) {
      this.#removeFrame();
      return { kind: 'not-started', message: error instanceof Error ? error.message : String(error) };
    }
    if (this.#run) await this.stop('rerun');
    const script = cellScript(runtime, code);
    const runId = ++this.#runIds;
    return new Promise<RunEnd>((resolve) => {
      const run: ActiveRun = {
        runId,
        script,
        listener,
        began: performance.now(),
        stopping: null,
        second: performance.now(),
        messages: 0,
        timer: setTimeout(() => void this.stop('time-limit'), timeLimitMs),
        finish: (end) => {
          clearTimeout(run.timer);
          if (run.stopping) clearTimeout(run.stopping.grace);
          if (this.#run === run) this.#run = null;
          resolve(end);
        },
      };
      this.#run = run;
      if (this.#frameRuntime !== runtime) {
        this.#post({ type: 'runtime', script: runtime });
        this.#frameRuntime = runtime;
      }
      this.#post({ type: 'run', runId, tail: script.tail, firstLine: script.firstLine, lastLine: script.lastLine, inputs });
    });
  }

  /** Stops the run now; resolves once it has ended (confirmed by the frame, or the frame removed). */
  stop(cause: StopCause = 'learner'): Promise<void> {
    const run = this.#run;
    if (!run) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = run.finish;
      run.finish = (end) => {
        finish(end);
        resolve();
      };
      if (run.stopping) return;
      const at = performance.now();
      run.stopping = {
        cause,
        at,
        // A frame that does not answer (its own thread is stuck) is removed, and everything in it ends.
        grace: setTimeout(() => {
          this.#removeFrame();
          this.#end(run, { kind: 'stopped', cause, afterMs: performance.now() - at, ms: at - run.began });
        }, this.#options.stopGraceMs),
      };
      this.#post({ type: 'stop', runId: run.runId });
    });
  }

  dispose(): void {
    void this.stop('learner');
    window.removeEventListener('message', this.#onMessage);
    this.#removeFrame();
  }

  #end(run: ActiveRun, end: RunEnd): void {
    if (this.#run === run) run.finish(end);
  }

  #frameReady(): Promise<void> {
    if (this.#ready) return this.#ready;
    const frame = document.createElement('iframe');
    // Scripts only: no allow-same-origin (an opaque origin), no top navigation, no popups, no forms.
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('title', 'Code cell sandbox');
    frame.setAttribute('aria-hidden', 'true');
    frame.setAttribute('tabindex', '-1');
    frame.className = 'cell-sandbox-frame';
    frame.srcdoc = frameDocument(this.#options.frameHash);
    const ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      setTimeout(() => reject(new Error(`The code runner did not start within ${this.#options.readyTimeoutMs / 1000} s. Reload the page, or try another browser.`)), this.#options.readyTimeoutMs);
    });
    this.#frame = frame;
    this.#ready = ready;
    this.#options.container.append(frame);
    return ready;
  }

  #removeFrame(): void {
    this.#frame?.remove();
    this.#frame = null;
    this.#ready = null;
    this.#frameRuntime = null;
    this.#readyResolve = null;
  }

  #post(message: PageToFrame): void {
    // The frame's origin is opaque, so no origin can be named; only our own frame is ever posted to.
    this.#frame?.contentWindow?.postMessage(message, '*');
  }

  #receive(event: MessageEvent): void {
    if (!this.#frame || event.source !== this.#frame.contentWindow) return;
    const current = this.#run;
    // A flooding run's messages are dropped unread, but for the frame's word that it stopped.
    if (current && this.#flooding(current) && (event.data as { type?: unknown } | null)?.type !== 'stopped') return;
    const message = readFrameMessage(event.data);
    if (!message) return;
    if (message.type === 'frame-ready') {
      this.#readyResolve?.();
      return;
    }
    const run = this.#run;
    if (!run || message.runId !== run.runId) return;
    this.#handle(run, message);
  }

  /** Counts a message of the run; true once the run has sent too many (then it is being stopped). */
  #flooding(run: ActiveRun): boolean {
    if (run.stopping) return run.stopping.cause === 'flood';
    const now = performance.now();
    if (now - run.second >= 1000) {
      run.second = now;
      run.messages = 0;
    }
    if (++run.messages <= MAX_MESSAGES_PER_SECOND) return false;
    void this.stop('flood');
    return true;
  }

  #handle(run: ActiveRun, message: Exclude<FrameToPage, { type: 'frame-ready' }>): void {
    switch (message.type) {
      case 'started':
        run.listener.started?.(message.backend);
        return;
      case 'output':
        if (!run.stopping) run.listener.output(message.items);
        return;
      case 'done':
        this.#end(run, { kind: 'done', ms: message.ms, tensorsLeft: message.tensorsLeft, baselineTensors: message.baselineTensors });
        return;
      case 'failed': {
        const error = { ...message.error };
        if (message.scriptError) {
          const line = editorLine(error.line, run.script);
          if (line === undefined) delete error.line;
          else error.line = line;
        }
        this.#end(run, { kind: 'failed', error });
        return;
      }
      case 'stopped':
        if (run.stopping) this.#end(run, { kind: 'stopped', cause: run.stopping.cause, afterMs: performance.now() - run.stopping.at, ms: run.stopping.at - run.began });
        return;
    }
  }
}
