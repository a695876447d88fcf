/// <reference lib="webworker" />
import { TrainingHandler } from './TrainingHandler';
import { LOGICAL_CORES, loseWebglContext, setupBackend } from './backends';
import { EvaluationWorkerClient } from './EvaluationWorkerClient';
import { indexedDbModelStorage } from './modelStorage';
import type { RequestMessage, WorkerMessage } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const evaluations = new EvaluationWorkerClient(LOGICAL_CORES);
const handler = new TrainingHandler(
  (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer),
  {
    setupBackend,
    fetch: (input, init) => fetch(input, init),
    loseContext: loseWebglContext,
    modelStorage: indexedDbModelStorage,
    validationEvaluator: (spec, data, backend) => evaluations.forSession(spec, data, backend),
  },
);
scope.onmessage = (event: MessageEvent<RequestMessage>) => void handler.handle(event.data);
