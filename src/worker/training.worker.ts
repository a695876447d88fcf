/// <reference lib="webworker" />
// The training worker's entry: it only loads its body (trainingWorkerBody.ts) and keeps the messages that
// arrive meanwhile. It imports nothing statically on purpose. The bundler puts code that the
// entry shares with lazily loaded chunks (tfjs's backends) into the entry chunk, and those chunks
// then import the entry; WebKit evaluates a module worker's entry a second time when it is
// imported so, which made a second handler take over the messages without the backend the first
// had started (evaluations never went off-thread, kernels were registered twice). An entry with
// no code of its own is imported by nobody.
const early: MessageEvent[] = [];
self.onmessage = (event: MessageEvent) => void early.push(event);
void import('./trainingWorkerBody').then(({ serve }) => serve(early));
export {};
