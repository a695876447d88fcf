// Inside the evaluation worker: validation passes on a copy of the training worker's weights
// (see EvaluationWorkerClient.ts and src/ml/backgroundEvaluations.ts). Requests are handled one
// at a time, in order. Takes `post` and the backend's start as parameters, so it runs in Node tests.
import { tf, tfl } from '../ml/tf';
import { buildModel } from '../ml/models';
import { evaluateSet } from '../ml/evaluation';
import type { Examples, TrainingData } from '../ml/trainingTypes';
import type { EvaluationReply, EvaluationRequest } from './evaluationProtocol';

export class EvaluationHandler {
  #post: (reply: EvaluationReply, transfer: Transferable[]) => void;
  #startBackend: () => Promise<void>;
  #backend: Promise<void> | null = null;
  #model: { setup: number; model: tfl.LayersModel; data: TrainingData } | null = null;
  #validation: Examples | null = null;
  #queue: Promise<void> = Promise.resolve();

  constructor(post: (reply: EvaluationReply, transfer: Transferable[]) => void, startBackend: () => Promise<void>) {
    this.#post = post;
    this.#startBackend = startBackend;
  }

  /** Queues a request; resolves once it (and those before it) are done. Never rejects: an evaluation that fails is answered with its error. */
  handle(request: EvaluationRequest): Promise<void> {
    this.#queue = this.#queue.then(() =>
      this.#run(request).catch((error: unknown) => {
        // A failed setup fails the evaluations that follow it, each with its own answer.
        if (request.type === 'evaluate') this.#post({ id: request.id, error: error instanceof Error ? error.message : String(error) }, []);
      }),
    );
    return this.#queue;
  }

  async #run(request: EvaluationRequest): Promise<void> {
    this.#backend ??= this.#startBackend();
    await this.#backend;
    if (request.type === 'setup') {
      this.#release();
      if (request.validation) this.#validation = request.validation;
      const validation = this.#validation;
      if (!validation) throw new Error('no validation set was sent');
      const data: TrainingData = { inputShape: request.inputShape, outputUnits: request.outputUnits, loss: request.loss, train: validation, validation };
      this.#model = { setup: request.setup, model: buildModel(request.spec, request.inputShape, request.outputUnits), data };
    } else if (request.type === 'release') {
      if (this.#model?.setup === request.setup) this.#release();
    } else {
      const current = this.#model;
      if (!current || current.setup !== request.setup) throw new Error('the model to evaluate was replaced');
      const start = performance.now();
      const { model, data } = current;
      tf.tidy(() => model.setWeights(request.weights.map((values, i) => tf.tensor(values, model.weights[i].shape as number[]))));
      const result = await evaluateSet(model, data, data.validation!, request.withPredictions);
      this.#post({ id: request.id, result: { ...result, durationMs: performance.now() - start } }, result.predictions ? [result.predictions.buffer] : []);
    }
  }

  #release(): void {
    this.#model?.model.dispose();
    this.#model = null;
  }
}
