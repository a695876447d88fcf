// The training worker's side of the evaluation worker: validation passes on another core while
// training goes on (src/ml/backgroundEvaluations.ts says why). One evaluation worker per training
// worker, started on first use and kept: a fresh one starts its own WebAssembly module.
import type { ModelSpec } from '../ml/modelSpec';
import type { TrainingData, ValidationEvaluator } from '../ml/trainingTypes';
import type { BackendInfo } from './protocol';
import type { EvaluationReply, EvaluationRequest } from './evaluationProtocol';

/** An evaluation that takes longer than this has failed (a worker that never started): training evaluates in line instead. */
const TIMEOUT_MS = 20_000;
/** Smaller validation sets (the toy lessons') take a millisecond or two in line. */
const SMALLEST_SET = 500;

type WorkerLike = Pick<Worker, 'postMessage' | 'onmessage' | 'onerror' | 'terminate'>;
type Figures = Extract<EvaluationReply, { result: unknown }>['result'];

const createWorker = (): WorkerLike => new Worker(new URL('./evaluation.worker.ts', import.meta.url), { type: 'module', name: 'evaluation' });

export class EvaluationWorkerClient {
  #cores: number;
  #create: () => WorkerLike;
  #worker: WorkerLike | null = null;
  #broken = false;
  /** The data whose validation set the worker holds. */
  #held: TrainingData | null = null;
  #nextId = 1;
  #waiting = new Map<number, { resolve: (figures: Figures) => void; reject: (error: Error) => void }>();

  constructor(cores: number, create: () => WorkerLike = createWorker) {
    this.#cores = cores;
    this.#create = create;
  }

  /**
   * An evaluator for a session on `backend` with `data`, or undefined where evaluating in line is
   * as good: a GPU backend (its passes are fast, and the CPU is free anyway), a machine with one
   * core, a small validation set, no Worker here, or an evaluation worker that already failed.
   */
  forSession(spec: ModelSpec, data: TrainingData, backend: BackendInfo | null): ValidationEvaluator | undefined {
    const validation = data.validation;
    if (this.#broken || backend?.name !== 'wasm' || this.#cores < 2 || !validation || validation.count < SMALLEST_SET || typeof Worker === 'undefined') return undefined;
    const worker = this.#start();
    if (!worker) return undefined;
    const setup = this.#nextId++;
    const request: EvaluationRequest = { type: 'setup', setup, spec, inputShape: data.inputShape, outputUnits: data.outputUnits, loss: data.loss };
    // Copies: the views may share a buffer with the training set, which structured cloning would copy whole.
    if (this.#held !== data) request.validation = { x: validation.x.slice(), y: validation.y.slice(), count: validation.count };
    this.#held = data;
    worker.postMessage(request);
    return {
      evaluate: (weights, withPredictions) => this.#evaluate(setup, weights, withPredictions),
      release: () => this.#worker?.postMessage({ type: 'release', setup } satisfies EvaluationRequest),
    };
  }

  #start(): WorkerLike | null {
    if (this.#worker) return this.#worker;
    try {
      const worker = this.#create();
      worker.onmessage = (event: MessageEvent<EvaluationReply>) => this.#answer(event.data);
      worker.onerror = (event: ErrorEvent) => this.#fail(`the evaluation worker stopped (${event.message || 'no reason given'})`);
      this.#worker = worker;
      this.#held = null;
      return worker;
    } catch {
      this.#broken = true;
      return null;
    }
  }

  #evaluate(setup: number, weights: Float32Array[], withPredictions: boolean): Promise<Figures> {
    const worker = this.#worker;
    if (!worker) return Promise.reject(new Error('the evaluation worker is gone'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(`no answer from the evaluation worker within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
      const settle = () => clearTimeout(timer);
      this.#waiting.set(id, { resolve: (figures) => (settle(), resolve(figures)), reject: (error) => (settle(), reject(error)) });
      worker.postMessage({ type: 'evaluate', id, setup, weights, withPredictions } satisfies EvaluationRequest);
    });
  }

  #answer(reply: EvaluationReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  }

  /** The worker is no use: every waiting evaluation fails, and no session gets one again. */
  #fail(reason: string): void {
    this.#broken = true;
    this.#worker?.terminate();
    this.#worker = null;
    for (const waiting of this.#waiting.values()) waiting.reject(new Error(reason));
    this.#waiting.clear();
  }
}
