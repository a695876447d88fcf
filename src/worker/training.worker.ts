/// <reference lib="webworker" />
import { TrainingHandler } from './TrainingHandler';
import { LOGICAL_CORES, loseWebglContext, setupBackend } from './backends';
import { offThreadEvaluator } from './offThreadEvaluator';
import { indexedDbModelStorage } from './modelStorage';
import type { RequestMessage, WorkerMessage } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handler = new TrainingHandler(
  (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer),
  {
    setupBackend,
    fetch: (input, init) => fetch(input, init),
    loseContext: loseWebglContext,
    modelStorage: indexedDbModelStorage,
    validationEvaluator: (spec, data, backend) => offThreadEvaluator(spec, data, backend, LOGICAL_CORES),
  },
);
scope.onmessage = (event: MessageEvent<RequestMessage>) => void handler.handle(event.data);
