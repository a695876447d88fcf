// Runs one cell's code in its worker: a console that prints to the cell, `lab`, and TensorFlow.js;
// every tensor the code made freed when it ends (tracked in one engine scope, then the variables),
// and an error reported as the learner's line and message. DOM-free: the worker hosts it, and
// Node tests run it on tfjs's CPU backend.
import type * as tfc from '@tensorflow/tfjs-core';
import { CellOutbox } from './CellOutbox';
import { createLab, type Lab } from './cellLab';
import { formatLine } from './cellFormat';
import type { CellError, CellInputs, FrameToPage } from './cellProtocol';

type Tf = typeof tfc;

/** What the worker sends the frame: the page's messages without the run id (the frame adds it). */
export type WorkerToFrame = DistributiveOmit<Exclude<FrameToPage, { type: 'frame-ready' | 'stopped' }>, 'runId'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The frame's first message to the worker. */
export interface CellStart {
  inputs: CellInputs;
  /** The script lines that hold the learner's code, so an error names their line. */
  firstLine: number;
  lastLine: number;
}

export type CellBody = (tf: Tf, lab: Lab, console: CellConsole) => Promise<unknown>;

export interface CellConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export interface CellEnvironment {
  /** tfjs with its layers API (the shape of `@tensorflow/tfjs`), its backend already set. */
  tf: Tf;
  post(message: WorkerToFrame, transfer?: Transferable[]): void;
  now(): number;
  backend: string;
}

/** The learner's line and column in `stack`: the first frame of the script within their code. */
export function userPosition(stack: string | undefined, firstLine: number, lastLine: number): { line: number; column: number } | undefined {
  if (!stack) return undefined;
  // Each engine ends a frame with ":line:column" (Chromium in brackets); the script's address before
  // it differs (a blob: URL, or in WebKit the whole data: URL), so only the end is read.
  for (const frame of stack.split('\n')) {
    const match = /:(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!match) continue;
    const line = Number(match[1]);
    if (line >= firstLine && line <= lastLine) return { line: line - firstLine + 1, column: Number(match[2]) };
  }
  return undefined;
}

export function cellError(error: unknown, firstLine: number, lastLine: number): CellError {
  if (error instanceof Error) {
    const position = userPosition(error.stack, firstLine, lastLine);
    return { name: error.name || 'Error', message: error.message.slice(0, 2000), ...position };
  }
  return { name: 'Error', message: `The code threw ${formatLine([error])}, which is not an Error.` };
}

/** A console whose lines go to the cell's output. */
export function cellConsole(outbox: CellOutbox): CellConsole {
  return {
    log: (...args) => outbox.line('log', formatLine(args)),
    info: (...args) => outbox.line('info', formatLine(args)),
    debug: (...args) => outbox.line('log', formatLine(args)),
    warn: (...args) => outbox.line('warn', formatLine(args)),
    error: (...args) => outbox.line('error', formatLine(args)),
  };
}

/**
 * Runs `body` once and says how it ended: 'done' (with the tensors left after freeing the cell's,
 * which should be the baseline) or 'failed' (the learner's line and message).
 */
export async function runCell(body: CellBody, start: CellStart, environment: CellEnvironment, console: CellConsole, outbox: CellOutbox): Promise<void> {
  const { tf, post, now } = environment;
  // The figures a lesson checks are read by the page from what the run shows (cellOutput.ts).
  const lab = createLab(tf, outbox, start.inputs);
  const baselineTensors = tf.memory().numTensors;
  post({ type: 'started', backend: environment.backend, baselineTensors });
  const began = now();
  const engine = tf.engine();
  // One scope around all the cell's code, async parts included: the worker runs nothing else, so
  // every tensor made until it ends is the cell's (what tf.tidy cannot do across awaits). Tensors
  // kept out of scopes (tf.keep: SGD keeps its learning rate that way) are noted and freed too.
  const kept: tfc.Tensor[] = [];
  const keep = engine.keep;
  engine.keep = <T extends tfc.Tensor>(tensor: T): T => {
    kept.push(tensor);
    return keep.call(engine, tensor) as T;
  };
  engine.startScope('cell');
  let failure: CellError | null = null;
  try {
    await body(tf, lab, console);
  } catch (error) {
    failure = cellError(error, start.firstLine, start.lastLine);
  } finally {
    engine.keep = keep;
    try {
      engine.endScope();
      tf.disposeVariables();
      for (const tensor of kept) if (!tensor.isDisposed) tensor.dispose();
    } catch {
      // Already freed by the code itself: nothing left to do.
    }
  }
  outbox.flush(true);
  if (failure) post({ type: 'failed', error: failure });
  else post({ type: 'done', ms: now() - began, tensorsLeft: tf.memory().numTensors, baselineTensors });
}
