/// <reference lib="webworker" />
// The evaluation worker's body, imported by its entry (evaluation.worker.ts says why it is split).
// The training worker's evaluation worker (see EvaluationHandler.ts). One WebAssembly thread:
// the training worker has the other cores it was given.
import { EvaluationHandler } from './EvaluationHandler';
import { BackendStarter } from './BackendStarter';
import type { EvaluationRequest } from './evaluationProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const backends = new BackendStarter();
const handler = new EvaluationHandler((reply, transfer) => scope.postMessage(reply, transfer), () => backends.startWasm(1));
/** Takes over the worker's messages, answering first those that came while this module loaded. */
export function serve(early: MessageEvent<EvaluationRequest>[]): void {
  scope.onmessage = (event: MessageEvent<EvaluationRequest>) => void handler.handle(event.data);
  for (const event of early) void handler.handle(event.data);
}
