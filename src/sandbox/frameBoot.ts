// The sandbox frame a code cell runs in: an `<iframe sandbox="allow-scripts" srcdoc=…>` with no
// allow-same-origin, so it has an opaque origin of its own — no access to the app's storage,
// cookies or page, and no navigating it. Its document is this one inline script under a policy of
// its own (no network at all: connect-src 'none'), added to the app page's, which the srcdoc
// inherits; the app allows the script by its hash (scripts/contentPolicy.ts). The script starts
// one worker per run from the script the page hands it (the runtime and the learner's code), passes
// messages between the two, and terminates the worker on Stop. Plain ES2017 in a string: it is
// the frame's whole program, and its bytes are hashed at build time. Also imported by
// scripts/contentPolicy.ts (hence the .ts-free imports: this file imports nothing).

export const FRAME_BOOT_SCRIPT = `(function () {
  var worker = null, current = 0, useData = false, runtime = '', encodedRuntime = null;
  function send(message, transfer) { parent.postMessage(message, '*', transfer || []); }
  function stop() { if (worker) { worker.terminate(); worker = null; } }
  function workerUrl(tail) {
    if (!useData) return URL.createObjectURL(new Blob([runtime, tail], { type: 'text/javascript' }));
    if (encodedRuntime === null) encodedRuntime = encodeURIComponent(runtime);
    return 'data:text/javascript;charset=utf-8,' + encodedRuntime + encodeURIComponent(tail);
  }
  function run(m) {
    stop();
    var id = current = m.runId;
    var url = workerUrl(m.tail);
    var own;
    try { own = worker = new Worker(url); } catch (error) {
      send({ type: 'failed', runId: id, error: { name: 'Error', message: 'The code runner could not start a worker: ' + error } });
      return;
    }
    own.onmessage = function (e) {
      if (own !== worker) return;
      if (!useData) URL.revokeObjectURL(url);
      var d = e.data;
      if (!d || typeof d !== 'object') return;
      d.runId = id;
      send(d, d.type === 'output' ? d.items.filter(function (i) { return i.kind === 'images'; }).map(function (i) { return i.pixels.buffer; }) : []);
      if (d.type === 'done' || d.type === 'failed') stop();
    };
    own.onerror = function (e) {
      e.preventDefault();
      if (own !== worker) return;
      send({ type: 'failed', runId: id, scriptError: true, error: { name: 'SyntaxError', message: String(e.message || 'The code could not be read').replace(/^Uncaught /, '').replace(/^SyntaxError: /, ''), line: e.lineno, column: e.colno } });
      stop();
    };
    own.postMessage({ inputs: m.inputs, firstLine: m.firstLine, lastLine: m.lastLine });
  }
  addEventListener('message', function (event) {
    if (event.source !== parent) return;
    var m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'stop') {
      if (m.runId === current) stop();
      send({ type: 'stopped', runId: m.runId });
    } else if (m.type === 'runtime' && typeof m.script === 'string') {
      runtime = m.script;
      encodedRuntime = null;
    } else if (m.type === 'run' && typeof m.tail === 'string') {
      run(m);
    }
  });
  // WebKit starts no worker from a blob: URL in a frame with an opaque origin; a data: URL it does.
  var probe;
  function ready(blobWorks) { useData = !blobWorks; if (probe) probe.terminate(); send({ type: 'frame-ready' }); }
  try {
    probe = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })));
    probe.onmessage = function () { ready(true); };
    probe.onerror = function (e) { e.preventDefault(); ready(false); };
  } catch (error) { ready(false); }
})();`;

/** The frame's own policy, on top of the app's: scripts only by hash and from the frame's own blobs, no network, nothing embedded. */
export function framePolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHash} 'wasm-unsafe-eval'`,
    // A worker per run, from a blob: URL (data: where the engine allows no blob worker here: WebKit).
    'worker-src blob: data:',
    "connect-src 'none'",
    "img-src 'none'",
    "style-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The frame's document, given the boot script's CSP hash source ('sha256-…'). */
export function frameDocument(scriptHash: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${framePolicy(scriptHash)}"><title>Code cell sandbox</title></head><body><script>${FRAME_BOOT_SCRIPT}</script></body></html>`;
}
