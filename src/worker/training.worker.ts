/// <reference lib="webworker" />
import { TrainingHandler } from './TrainingHandler';
import { loseWebglContext, setupBackend } from './backends';
import { indexedDbModelStorage } from './modelStorage';
import type { RequestMessage, WorkerMessage } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handler = new TrainingHandler(
  (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer),
  { setupBackend, fetch: (input, init) => fetch(input, init), loseContext: loseWebglContext, modelStorage: indexedDbModelStorage },
);
scope.onmessage = (event: MessageEvent<RequestMessage>) => void handler.handle(event.data);
