// The one message protocol between the page and the training worker, its calls grouped by family
// in ./calls/. Each request `type` fixes its payload and its reply; every request carries an id;
// failures come back as structured error replies; progress flows back as events tagged with the
// run they belong to.
import type { DivergenceReport, Evaluation, HyperChange, SessionState, StepProgress } from '../ml/trainingTypes';
import type { RunStart } from './calls/common';
import type { EngineCalls } from './calls/engine';
import type { TrainingCalls } from './calls/training';
import type { InspectionCalls } from './calls/inspection';
import type { DigitCalls } from './calls/digits';
import type { ModelFileCalls } from './calls/modelFiles';

export type { AdoptedModel } from './calls/modelFiles';
export type { BackendInfo, Empty, RunStart } from './calls/common';

// Run settings, data sources and backend names are the ML core's (declared once, in src/ml).
export type { BackendChoice, BackendName, SessionTuning, TaskSpec } from '../ml/trainingTypes';

/**
 * Request payload and reply for each request type: the families, one file each in ./calls/. A new
 * call goes in its family's file and its handler (TrainingHandler, digitLessonCalls, modelFiles).
 */
export interface Calls extends EngineCalls, TrainingCalls, InspectionCalls, DigitCalls, ModelFileCalls {}

type RunStartingCall = { [K in CallType]: Calls[K]['reply'] extends RunStart ? K : never }[CallType];

/**
 * The calls that start a run, named here (not inferred from whichever reply has a `runId`): the
 * client drops events of older runs from their reply on. The type checks each reply says its run.
 */
export const RUN_STARTING_CALLS: ReadonlySet<CallType> = new Set(['configure', 'reset', 'loadSavedModel', 'importModel'] satisfies RunStartingCall[]);

export type CallType = keyof Calls;

export type RequestMessage = {
  [K in CallType]: { type: K; id: number } & Calls[K]['request'];
}[CallType];

export type ErrorCode = 'badRequest' | 'noData' | 'noSession' | 'backend' | 'data' | 'internal' | 'storage' | 'badFile' | 'timeout';

export type SessionEvent =
  | { kind: 'state'; state: SessionState }
  | { kind: 'step'; progress: StepProgress }
  | { kind: 'evaluate'; evaluation: Evaluation }
  | { kind: 'diverged'; report: DivergenceReport }
  | { kind: 'hyperChange'; change: HyperChange }
  | { kind: 'lrFinder'; done: number; total: number }
  | { kind: 'download'; received: number; total: number }
  | { kind: 'error'; message: string; code: 'training' | 'contextLost' };

export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: { message: string; code: ErrorCode } }
  | { type: 'event'; runId: number; event: SessionEvent };

export class WorkerError extends Error {
  override name = 'WorkerError';
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
  }
}

/** The buffers a reply can hand over instead of copying: typed arrays that own their whole buffer. */
export function transferablesOf(result: unknown): Transferable[] {
  if (!result || typeof result !== 'object') return [];
  const out: Transferable[] = [];
  for (const value of Object.values(result)) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
      out.push(value.buffer);
    }
  }
  return out;
}
