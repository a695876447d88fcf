// The headers that make a page cross-origin isolated, which is what lets tfjs's wasm backend use
// its multi-threaded build (threads share memory through SharedArrayBuffer, which browsers only
// allow in an isolated page). Sent by `npm run dev` and `npm run preview`; on a static host that
// cannot send headers, the service worker adds them (see src/sw/isolation.ts). Every file the
// app loads is its own, so requiring CORP costs nothing.
export const CROSS_ORIGIN_ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
