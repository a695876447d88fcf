/// <reference lib="webworker" />
// Spins for the milliseconds it is sent and answers with the loop turns it counted (coreCount.ts).
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<number>) => {
  const end = performance.now() + event.data;
  let turns = 0;
  while (performance.now() < end) turns++;
  scope.postMessage(turns);
};
