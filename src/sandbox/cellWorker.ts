// The start of every cell's worker script. The frame builds one script per run: this bundle, then
// the learner's code wrapped as `self.__cellStart(async (tf, lab, console) => { … })`, so their
// code is part of the script itself and nothing is ever evaluated from a string (the sandbox's
// policy allows no eval). It waits for the frame's first message (the data and settings), readies
// tfjs (WebAssembly when handed the binary, else the CPU backend), and runs the code once.
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
// Tensor methods (a.add(b), t.print()), which the umbrella @tensorflow/tfjs package registers.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// What tfjs's wasm backend lacks to train conv layers (Conv2DBackpropFilter), as the trainers' worker adds it.
import { registerTrainingKernels } from '../ml/wasm/trainingKernels';
import { CellOutbox } from './CellOutbox';
import { cellConsole, cellError, runCell, type CellBody, type CellStart, type WorkerToFrame } from './cellRuntime';

declare const self: DedicatedWorkerGlobalScope & { __cellStart?: (body: CellBody) => void };

// The learner's stack traces reach their code through tfjs's own frames.
(Error as { stackTraceLimit?: number }).stackTraceLimit = 100;

const tf = Object.freeze({ ...tfc, ...tfl, version: tfc.version_core }) as unknown as typeof tfc;
const post = (message: WorkerToFrame, transfer: Transferable[] = []) => self.postMessage(message, transfer);
const outbox = new CellOutbox((items, transfer) => post({ type: 'output', items }, transfer));
const console = cellConsole(outbox);
// tensor.print() and tfjs's own warnings write to the global console: they belong to the cell too.
Object.assign(globalThis.console, console);

let body: CellBody | null = null;
let start: CellStart | null = null;
let lines = { first: 0, last: 0 };

async function readyBackend(wasm: ArrayBuffer | undefined): Promise<string> {
  if (wasm) {
    // The binary came by message: the sandbox may fetch nothing, so tfjs's fetch of it is answered here.
    const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
    setWasmPaths(Object.fromEntries(names.map((name) => [name, name])), true);
    tfc.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tfc.env().platform.fetch = async () => new Response(wasm.slice(0));
    try {
      if (await tfc.setBackend('wasm')) {
        registerTrainingKernels();
        return 'wasm';
      }
    } catch {
      // Falls back to the CPU backend below.
    }
  }
  await tfc.setBackend('cpu');
  return 'cpu';
}

async function begin(): Promise<void> {
  if (!body || !start) return;
  const run = body;
  const given = start;
  body = null;
  const backend = await readyBackend(given.inputs.wasm);
  await tfc.ready();
  await runCell(run, given, { tf, post, now: () => performance.now(), backend }, console, outbox);
}

function fail(error: unknown): void {
  outbox.flush(true);
  post({ type: 'failed', error: cellError(error, lines.first, lines.last) });
}

self.__cellStart = (cellBody) => {
  body = cellBody;
  void begin().catch(fail);
};

self.onmessage = (event: MessageEvent<CellStart>) => {
  if (start) return;
  start = event.data;
  lines = { first: start.firstLine, last: start.lastLine };
  void begin().catch(fail);
};

// Errors after the code returned (a timer's callback) and promises nobody awaited: printed, with the line.
self.addEventListener('error', (event) => {
  event.preventDefault();
  const { line } = cellError(event.error, lines.first, lines.last);
  outbox.line('error', `${event.message}${line ? ` (line ${line})` : ''}`);
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  const error = cellError(event.reason, lines.first, lines.last);
  outbox.line('error', `Uncaught (in promise) ${error.name}: ${error.message}${error.line ? ` (line ${error.line})` : ''}`);
});
