// What passes between a lesson's code cell (in the app page), its sandbox frame and the worker in
// that frame that runs the learner's code. The frame has an opaque origin and a policy of its own
// (sandboxFrame.ts); nothing crosses but these plain messages, and the page checks every one it
// receives (cellOutput.ts) before it shows anything.

/** A point of a cell's live chart: x is `step` (or `epoch`); any of the four series may be given. */
export interface CellChartPoint {
  x: number;
  loss?: number;
  valLoss?: number;
  accuracy?: number;
  valAccuracy?: number;
}

/** One thing a cell shows below its editor, in the order it was produced. */
export type CellOutputItem =
  | { kind: 'line'; level: 'log' | 'info' | 'warn' | 'error'; text: string }
  /** Points appended to chart `id` (created on first use); `title` and `xTitle` name it. */
  | { kind: 'chart'; id: number; title: string; xTitle: 'step' | 'epoch'; points: CellChartPoint[] }
  /** A grid of grey (1 channel) or colour (3) images, `count` of them, each height × width, bytes 0–255. */
  | { kind: 'images'; id: number; title: string; count: number; height: number; width: number; channels: 1 | 3; pixels: Uint8ClampedArray; labels: string[] }
  | { kind: 'table'; id: number; title: string; columns: string[]; rows: (string | number)[][] }
  /** Named figures a lesson's exercise may check (`lab.report`). */
  | { kind: 'report'; figures: Record<string, number | string | boolean> };

/** An error in the learner's code: their line (1-based, in the editor) where the engine told it. */
export interface CellError {
  name: string;
  message: string;
  line?: number;
  column?: number;
}

/** The data a cell is handed, by message: nothing is fetched from inside the sandbox. */
export interface CellInputs {
  /** The widget's settings (or the lesson's), as `lab.settings`. */
  settings: Record<string, unknown>;
  /** The served digits file (public/data/mnist-10k.bin) when the cell reads digits (`lab.data.digits`). */
  digits?: ArrayBuffer;
  /** tfjs's wasm SIMD build, so the cell trains on WebAssembly; without it, on tfjs's CPU backend. */
  wasm?: ArrayBuffer;
  /** Plain training data a widget hands over ("Open as a cell"): `lab.data.tensors()`. */
  tensors?: { xs: { shape: number[]; values: Float32Array }; ys: { shape: number[]; values: Float32Array } };
}

/** Page → frame. */
export type PageToFrame =
  /** The runtime bundle, once per frame: every run's script starts with it. */
  | { type: 'runtime'; script: string }
  /** Start a fresh worker on the runtime then `tail` (the learner's code, wrapped), then hand it `inputs`. */
  | { type: 'run'; runId: number; tail: string; firstLine: number; lastLine: number; inputs: CellInputs }
  /** Terminate the run's worker now (Stop, the time limit, a re-run). */
  | { type: 'stop'; runId: number };

/** Frame → page. */
export type FrameToPage =
  | { type: 'frame-ready' }
  | { type: 'started'; runId: number; backend: string; baselineTensors: number }
  | { type: 'output'; runId: number; items: CellOutputItem[] }
  /** The code finished; `tensorsLeft` is tf.memory().numTensors after the cell's tensors were freed. */
  | { type: 'done'; runId: number; ms: number; tensorsLeft: number; baselineTensors: number }
  /** `scriptError`: the script could not be read (a syntax error): `error.line` is the script's line, not yet the learner's. */
  | { type: 'failed'; runId: number; error: CellError; scriptError?: boolean }
  | { type: 'stopped'; runId: number };
