// Starting a training worker's engine so that nobody waits on a start that hung.
import { WorkerError, type BackendChoice, type BackendInfo } from '../../worker/protocol';
import type { TrainingClient } from '../../worker/TrainingClient';
import { requestedWasmParts } from './speedupsSwitch';

/**
 * How an engine start that does not answer is handled: the asked-for engine gets a few seconds,
 * then the worker is stopped and a fresh one starts WebAssembly on one thread (tfjs's plain
 * build, no thread workers to wait for), then plain JavaScript. Measured here: a start answers in
 * 0.3–1.5 s on an idle machine and under 5 s with two browsers busy on the same 2 cores.
 */
export interface EngineStart {
  /** The engine to start; the learner's choice where absent. */
  backend?: BackendChoice;
  threads?: number;
  timeoutMs: number;
  /** What is starting, in the learner's words. */
  label: string;
}

export const ENGINE_STARTS: readonly EngineStart[] = [
  { timeoutMs: 10_000, label: 'the training engine' },
  { backend: 'wasm', threads: 1, timeoutMs: 15_000, label: 'WebAssembly on one thread' },
  { backend: 'cpu', timeoutMs: 30_000, label: 'plain JavaScript' },
];

/**
 * Starts the engine on a fresh worker (`open` stops the last one and gives a new client), trying
 * `starts` in turn: a start that does not answer in time is stopped, said in one sentence
 * (`onNote`, also prefixed to the backend's reason), and the next kind started.
 */
export async function startEngine(backend: BackendChoice, starts: readonly EngineStart[], open: () => TrainingClient, onNote: (note: string) => void): Promise<{ client: TrainingClient; info: BackendInfo }> {
  const attempts = starts.filter((a, i) => i === 0 || a.backend !== backend);
  let note: string | null = null;
  for (let i = 0; ; i++) {
    const attempt = attempts[i];
    const client = open();
    try {
      const info = await client.call('init', { backend: attempt.backend ?? backend, threads: attempt.threads, wasmParts: requestedWasmParts() }, { timeoutMs: attempt.timeoutMs });
      return { client, info: note ? { ...info, reason: `${note} ${info.reason}` } : info };
    } catch (error) {
      const next = attempts[i + 1];
      if (!(error instanceof WorkerError && error.code === 'timeout') || !next) throw error;
      note = `${capitalize(attempt.label)} did not start within ${attempt.timeoutMs / 1000} s, so Gradient Lab started ${next.label} instead.`;
      onNote(note);
    }
  }
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
