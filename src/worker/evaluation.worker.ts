/// <reference lib="webworker" />
// The training worker's evaluation worker: validation passes on a copy of the weights while
// training goes on (see offThreadEvaluator.ts and src/ml/backgroundEvaluations.ts).
import { tf, tfl } from '../ml/tf';
import { buildModel } from '../ml/models';
import { evaluateSet } from '../ml/evaluation';
import type { Examples, TrainingData } from '../ml/trainingTypes';
import { startWasmBackend } from './backends';
import type { EvaluationReply, EvaluationRequest } from './evaluationProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let backend: Promise<void> | null = null;
let model: { setup: number; model: tfl.LayersModel; data: TrainingData } | null = null;
let validation: Examples | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(request: EvaluationRequest): Promise<void> {
  // One thread: the training worker has the other cores it was given.
  backend ??= startWasmBackend(1);
  await backend;
  if (request.type === 'setup') {
    model?.model.dispose();
    model = null;
    if (request.validation) validation = request.validation;
    if (!validation) throw new Error('no validation set');
    const data: TrainingData = { inputShape: request.inputShape, outputUnits: request.outputUnits, loss: request.loss, train: validation, validation };
    model = { setup: request.setup, model: buildModel(request.spec, request.inputShape, request.outputUnits), data };
    return;
  }
  if (request.type === 'release') {
    if (model?.setup === request.setup) {
      model.model.dispose();
      model = null;
    }
    return;
  }
  if (!model || model.setup !== request.setup) throw new Error('the model to evaluate was replaced');
  const start = performance.now();
  const target = model.model;
  tf.tidy(() => target.setWeights(request.weights.map((values, i) => tf.tensor(values, target.weights[i].shape as number[]))));
  const result = await evaluateSet(target, model.data, model.data.validation!, request.withPredictions);
  const reply: EvaluationReply = { id: request.id, result: { ...result, durationMs: performance.now() - start } };
  scope.postMessage(reply, result.predictions ? [result.predictions.buffer] : []);
}

scope.onmessage = (event: MessageEvent<EvaluationRequest>) => {
  const request = event.data;
  queue = queue.then(() =>
    handle(request).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // A failed setup fails the evaluations that follow it, each with its own answer.
      if (request.type === 'evaluate') scope.postMessage({ id: request.id, error: message } satisfies EvaluationReply);
    }),
  );
};
