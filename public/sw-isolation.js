// Loaded by the service worker (importScripts, see scripts/offlineApp.ts). On a static host that
// cannot send headers, it adds the cross-origin isolation headers to every response the service
// worker serves, so the page may use SharedArrayBuffer and tfjs's wasm backend its threads (as
// `npm run dev` and `npm run preview` allow by sending the headers themselves). Every file of the
// app is its own origin's, so requiring CORP blocks nothing.
/* global FetchEvent */
(function (scope) {
  var HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

  function withIsolation(response) {
    // Opaque, error and redirect responses cannot (and need not) be rebuilt.
    if (!response || response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
    var headers = new Headers(response.headers);
    for (var name in HEADERS) if (!headers.has(name)) headers.set(name, HEADERS[name]);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: headers });
  }

  scope.gradientLabWithIsolation = withIsolation;
  if (typeof FetchEvent === 'undefined') return;
  var respondWith = FetchEvent.prototype.respondWith;
  FetchEvent.prototype.respondWith = function (response) {
    return respondWith.call(this, Promise.resolve(response).then(withIsolation));
  };
})(self);
