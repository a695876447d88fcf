// The training worker's side of the evaluation worker: validation passes on another core while
// training goes on (src/ml/backgroundEvaluations.ts says why). One evaluation worker, started on
// first use and kept for the page's life: a fresh one starts its own WebAssembly module.
import type { ModelSpec } from '../ml/modelSpec';
import type { TrainingData, ValidationEvaluator } from '../ml/trainingTypes';
import type { BackendInfo } from './protocol';
import type { EvaluationReply, EvaluationRequest } from './evaluationProtocol';

/** An evaluation that takes longer than this has failed (a worker that never started): training evaluates in line instead. */
const TIMEOUT_MS = 20_000;
/** Smaller validation sets (the toy lessons') take a millisecond or two in line. */
const SMALLEST_SET = 500;

type WorkerLike = Pick<Worker, 'postMessage' | 'onmessage' | 'onerror' | 'terminate'>;

let worker: WorkerLike | null = null;
let broken = false;
let heldData: TrainingData | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (r: Extract<EvaluationReply, { result: unknown }>['result']) => void; reject: (e: Error) => void }>();

function fail(reason: string): void {
  broken = true;
  worker?.terminate();
  worker = null;
  for (const w of waiting.values()) w.reject(new Error(reason));
  waiting.clear();
}

function evaluationWorker(create: () => WorkerLike): WorkerLike {
  if (worker) return worker;
  const w = create();
  w.onmessage = (event: MessageEvent<EvaluationReply>) => {
    const reply = event.data;
    const entry = waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id);
    if ('error' in reply) entry.reject(new Error(reply.error));
    else entry.resolve(reply.result);
  };
  w.onerror = (event: ErrorEvent) => fail(`the evaluation worker stopped (${event.message || 'no reason given'})`);
  worker = w;
  heldData = null;
  return w;
}

const createWorker = (): WorkerLike => new Worker(new URL('./evaluation.worker.ts', import.meta.url), { type: 'module', name: 'evaluation' });

/**
 * An evaluator for a session on `backend` with `data`, or undefined where evaluating in line is
 * as good: a GPU backend (its passes are fast and the CPU is free anyway), a machine with one
 * core, a small validation set, no Worker here, or an evaluation worker that already failed.
 */
export function offThreadEvaluator(spec: ModelSpec, data: TrainingData, backend: BackendInfo | null, cores: number, create = createWorker): ValidationEvaluator | undefined {
  const validation = data.validation;
  if (broken || backend?.name !== 'wasm' || cores < 2 || !validation || validation.count < SMALLEST_SET || typeof Worker === 'undefined') return undefined;
  let w: WorkerLike;
  try {
    w = evaluationWorker(create);
  } catch {
    broken = true;
    return undefined;
  }
  const setup = nextId++;
  const request: EvaluationRequest = { type: 'setup', setup, spec, inputShape: data.inputShape, outputUnits: data.outputUnits, loss: data.loss };
  // Copies: the views may share a buffer with the training set, which structured cloning would copy whole.
  if (heldData !== data) request.validation = { x: validation.x.slice(), y: validation.y.slice(), count: validation.count };
  heldData = data;
  w.postMessage(request);
  return {
    evaluate(weights, withPredictions) {
      if (!worker) return Promise.reject(new Error('the evaluation worker is gone'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail(`no answer from the evaluation worker within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
        waiting.set(id, {
          resolve: (r) => (clearTimeout(timer), resolve(r)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        worker!.postMessage({ type: 'evaluate', id, setup, weights, withPredictions } satisfies EvaluationRequest);
      });
    },
    release() {
      worker?.postMessage({ type: 'release', setup } satisfies EvaluationRequest);
    },
  };
}
