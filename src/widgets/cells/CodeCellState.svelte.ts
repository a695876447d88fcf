// A code cell's state: the learner's code (the lesson's, their saved edit, or a shared link's),
// one run at a time in the cell's sandbox, what the run shows, and the exercises its figures tick.
// The sandbox does the running (src/sandbox/); this class only decides what to hand it and what
// to tell the learner.
import { CellSandbox, MAX_MESSAGES_PER_SECOND, type RunEnd } from '../../sandbox/CellSandbox';
import { cellRuntime, cellWasm } from '../../sandbox/cellAssets';
import type { CellError, CellInputs } from '../../sandbox/cellProtocol';
import { browserStorage } from '../../shared/storage';
import { parseHash } from '../../shared/routes';
import { servedDigitsUrl } from '../digits/servedDigits';
import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { shareLink, sharedMessage } from '../trainer/sharedSettings';
import { CellDrafts } from './cellDrafts';
import { cellLinkHash, decodeCellCode, encodeCellCode, readCellLink } from './cellLink';
import { addOutput, emptyOutput, type CellOutput } from './cellOutput';
import { syntaxErrorLine } from './syntaxErrorLine';

export type CellData = 'none' | 'digits' | 'line';
export type CellPhase = 'idle' | 'starting' | 'running' | 'done' | 'failed' | 'stopped';

/** The time limits a learner can pick, in seconds. */
export const TIME_LIMITS = [10, 30, 60, 120, 300, 600] as const;
const DEFAULT_TIME_LIMIT = 60;

export interface CodeCellOptions {
  id: string;
  code: string;
  timeLimit?: number;
  data?: CellData;
  settings?: Record<string, unknown>;
  /** Training data a widget hands over ("Open as a cell"). */
  tensors?: CellInputs['tensors'];
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  /** Where the hidden sandbox frame goes. */
  container: () => HTMLElement;
  /** Keep the learner's edits (false for a trainer's "Open as a cell", whose code follows the settings). */
  keepDrafts?: boolean;
}

let digitsBytes: Promise<ArrayBuffer> | null = null;
function servedDigitsBytes(): Promise<ArrayBuffer> {
  digitsBytes ??= fetch(servedDigitsUrl())
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    })
    .catch((error: unknown) => {
      digitsBytes = null;
      throw new Error(`The digits could not be loaded (${error instanceof Error ? error.message : String(error)}). Check the connection, then press Run again.`);
    });
  return digitsBytes;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

export class CodeCellState {
  readonly id: string;
  readonly startingCode: string;
  readonly #options: CodeCellOptions;
  readonly #drafts: CellDrafts | null;
  readonly #tracker: ExerciseTracker;
  #sandbox: CellSandbox | null = null;
  #runs = 0;
  #ticker: ReturnType<typeof setInterval> | null = null;
  #began = 0;

  #code = $state('');
  #phase = $state<CellPhase>('idle');
  #status = $state('');
  #error = $state.raw<CellError | null>(null);
  #output = $state.raw<CellOutput>(emptyOutput());
  #elapsed = $state(0);
  #notice = $state<string | null>(null);
  #fromLink = $state(false);
  #saveProblem = $state<string | null>(null);
  #linkStatus = $state('');
  timeLimit = $state(DEFAULT_TIME_LIMIT);

  constructor(options: CodeCellOptions) {
    this.#options = options;
    this.id = options.id;
    this.startingCode = options.code;
    this.timeLimit = options.timeLimit ?? DEFAULT_TIME_LIMIT;
    this.#drafts = options.keepDrafts === false ? null : new CellDrafts(browserStorage(), lessonSlug());
    this.#code = this.#drafts?.get(this.id) ?? this.startingCode;
    this.#notice = this.#drafts?.unreadable ?? null;
    this.#tracker = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
    void this.#readLink();
  }

  get code(): string {
    return this.#code;
  }
  get phase(): CellPhase {
    return this.#phase;
  }
  get running(): boolean {
    return this.#phase === 'starting' || this.#phase === 'running';
  }
  /** What the live region says: the run's start and end, never a ticking clock. */
  get status(): string {
    return this.#status;
  }
  get error(): CellError | null {
    return this.#error;
  }
  get output(): CellOutput {
    return this.#output;
  }
  /** Seconds the run has taken so far (shown beside the limit, not announced). */
  get elapsed(): number {
    return this.#elapsed;
  }
  /** A message about where the code came from (a link, unreadable saved edits). */
  get notice(): string | null {
    return this.#notice;
  }
  get fromLink(): boolean {
    return this.#fromLink;
  }
  get saveProblem(): string | null {
    return this.#saveProblem;
  }
  get linkStatus(): string {
    return this.#linkStatus;
  }
  get edited(): boolean {
    return this.#code !== this.startingCode;
  }
  get exercisesDone() {
    return this.#tracker.done;
  }

  /** The learner typed: keep it (a link's code too, from their first edit on). */
  edit(code: string): void {
    if (code === this.#code) return;
    this.#code = code;
    this.#fromLink = false;
    this.#save();
  }

  /** Back to the lesson's code; their saved edit is forgotten, and a link's code leaves the address. */
  reset(): void {
    this.#code = this.startingCode;
    this.#drafts?.forget(this.id);
    this.#saveProblem = null;
    this.#dropLink();
  }

  async run(): Promise<void> {
    const run = ++this.#runs;
    this.#output = emptyOutput();
    this.#error = null;
    this.#phase = 'starting';
    this.#status = 'Starting…';
    this.#fromLink = false;
    let inputs: CellInputs;
    try {
      inputs = await this.#inputs();
    } catch (error) {
      if (run === this.#runs) this.#finish({ kind: 'not-started', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (run !== this.#runs) return;
    this.#sandbox ??= new CellSandbox({ container: this.#options.container(), runtime: cellRuntime, frameHash: __CELL_FRAME_HASH__ });
    this.#began = performance.now();
    this.#elapsed = 0;
    this.#ticker ??= setInterval(() => (this.#elapsed = (performance.now() - this.#began) / 1000), 250);
    const end = await this.#sandbox.run(this.#code, inputs, this.timeLimit * 1000, {
      started: (backend) => {
        if (run !== this.#runs) return;
        this.#phase = 'running';
        this.#status = `Running on ${backend === 'wasm' ? 'WebAssembly' : 'the CPU'}…`;
      },
      output: (items) => {
        if (run !== this.#runs) return;
        this.#output = addOutput(this.#output, items);
        this.#check(false);
      },
    });
    if (run === this.#runs) this.#finish(end);
  }

  stop(): void {
    void this.#sandbox?.stop('learner');
  }

  /** Puts a link to this cell's code in the clipboard (or, where the browser refuses, the address bar). */
  async copyLink(): Promise<void> {
    try {
      const encoded = await encodeCellCode(this.#code);
      const link = `${location.origin}${location.pathname}${location.search}${cellLinkHash(location.hash, this.id, encoded)}`;
      const where = await shareLink(link);
      this.#linkStatus = `${sharedMessage(where)} Whoever opens it sees this code; it runs only when they press Run.`;
    } catch (error) {
      this.#linkStatus = error instanceof Error ? error.message : String(error);
    }
  }

  dispose(): void {
    this.#runs++;
    this.#stopTicker();
    this.#sandbox?.dispose();
    this.#sandbox = null;
  }

  #finish(end: RunEnd): void {
    this.#stopTicker();
    const took = performance.now() - this.#began;
    switch (end.kind) {
      case 'done':
        this.#phase = 'done';
        this.#status = `Done in ${seconds(end.ms)}. ${end.tensorsLeft === end.baselineTensors ? 'Every tensor it made was freed.' : `${end.tensorsLeft - end.baselineTensors} tensors were left over, and freed with its worker.`}`;
        break;
      case 'failed':
        this.#phase = 'failed';
        this.#error = end.error.name === 'SyntaxError' && !end.error.line ? { ...end.error, line: syntaxErrorLine(this.#code), message: end.error.message === 'The code could not be read' ? 'this is not valid JavaScript here (check brackets, quotes and commas).' : end.error.message } : end.error;
        this.#status = `Stopped by an error${this.#error.line ? ` on line ${this.#error.line}` : ''}: ${this.#error.message}`;
        break;
      case 'stopped':
        this.#phase = 'stopped';
        this.#status =
          end.cause === 'time-limit'
            ? `Stopped: the ${this.timeLimit} s time limit was reached. Pick a longer limit, or make the code do less.`
            : end.cause === 'flood'
              ? `Stopped after ${seconds(end.ms)}: the code sent the page more than ${MAX_MESSAGES_PER_SECOND} messages in a second (print with console.log, which the cell batches).`
              : `Stopped after ${seconds(end.ms)}.`;
        break;
      case 'not-started':
        this.#phase = 'failed';
        this.#status = end.message;
        this.#error = { name: 'Error', message: end.message };
        break;
    }
    if (end.kind !== 'stopped' || end.cause !== 'rerun') this.#elapsed = took / 1000;
    this.#check(end.kind === 'done');
  }

  #check(finished: boolean): void {
    this.#tracker.update({ cell: this.id, finished, ...this.#output.figures });
  }

  async #inputs(): Promise<CellInputs> {
    const [digits, wasm] = await Promise.all([this.#options.data === 'digits' ? servedDigitsBytes() : undefined, cellWasm().catch(() => undefined)]);
    return { settings: { ...this.#options.settings }, digits, wasm, tensors: this.#options.tensors };
  }

  #save(): void {
    if (!this.#drafts) return;
    const result = this.#drafts.save(this.id, this.#code, this.startingCode);
    this.#saveProblem = result.saved ? null : result.message;
  }

  async #readLink(): Promise<void> {
    const value = readCellLink(location.hash, this.id);
    if (value === undefined) return;
    const decoded = await decodeCellCode(value);
    if ('error' in decoded) {
      this.#notice = decoded.error;
      return;
    }
    if (decoded.code === this.#code) return;
    this.#code = decoded.code;
    this.#fromLink = true;
    this.#notice = 'This code came from a link and has not run. Read it first; it runs only when you press Run. Your own saved code comes back with “Back to my code”.';
  }

  /** Leaves the link's code: back to the learner's saved edit, or the lesson's code. */
  backToOwnCode(): void {
    this.#code = this.#drafts?.get(this.id) ?? this.startingCode;
    this.#dropLink();
  }

  #dropLink(): void {
    this.#fromLink = false;
    this.#notice = null;
    if (readCellLink(location.hash, this.id) !== undefined) history.replaceState(history.state, '', cellLinkHash(location.hash, this.id, undefined));
  }

  #stopTicker(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}

function lessonSlug(): string {
  const route = parseHash(location.hash);
  return route.name === 'lesson' ? route.slug : 'unknown';
}
