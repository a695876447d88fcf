/// <reference lib="webworker" />
// The training worker's evaluation worker (see EvaluationHandler.ts). One WebAssembly thread:
// the training worker has the other cores it was given.
import { EvaluationHandler } from './EvaluationHandler';
import { startWasmBackend } from './backends';
import type { EvaluationRequest } from './evaluationProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handler = new EvaluationHandler((reply, transfer) => scope.postMessage(reply, transfer), () => startWasmBackend(1));
scope.onmessage = (event: MessageEvent<EvaluationRequest>) => void handler.handle(event.data);
