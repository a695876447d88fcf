// A training engine on the page is ready: announced on the window for whoever waits for the page
// to be quiet (the shell holds the offline download back until then), without the widgets
// knowing who listens.
export const ENGINE_READY_EVENT = 'gradient-lab:engine-ready';

export function announceEngineReady(): void {
  globalThis.dispatchEvent?.(new Event(ENGINE_READY_EVENT));
}
