/// <reference lib="webworker" />
// The training worker's body, imported by its entry (training.worker.ts says why it is split).
import { TrainingHandler } from './TrainingHandler';
import { BackendStarter } from './BackendStarter';
import { LOGICAL_CORES } from './browserFacts';
import { loseWebglContext } from './loseWebglContext';
import { EvaluationWorkerClient } from './EvaluationWorkerClient';
import { indexedDbModelStorage } from './modelStorage';
import type { RequestMessage, WorkerMessage } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const backends = new BackendStarter();
const evaluations = new EvaluationWorkerClient(LOGICAL_CORES);
const handler = new TrainingHandler(
  (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer),
  {
    setupBackend: (choice, onContextLost, threads) => backends.setup(choice, onContextLost, threads),
    fetch: (input, init) => fetch(input, init),
    loseContext: loseWebglContext,
    modelStorage: indexedDbModelStorage,
    validationEvaluator: (spec, data, backend) => evaluations.forSession(spec, data, backend),
  },
);
/** Takes over the worker's messages, answering first those that came while this module loaded. */
export function serve(early: MessageEvent<RequestMessage>[]): void {
  scope.onmessage = (event: MessageEvent<RequestMessage>) => void handler.handle(event.data);
  for (const event of early) void handler.handle(event.data);
}
