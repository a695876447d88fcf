import type { BackendChoice, BackendInfo, BackendName } from './protocol';

// The backend choice as policy: what to try, in which order, what to keep and what to tell the
// learner. Pure: the facts and the two things it can do come in through a BackendProbe
// (BackendStarter.ts gives the real one), so the tests describe a browser and check the choice.

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Whether a WebGL renderer or WebGPU adapter draws in software (SwiftShader, llvmpipe): many times slower than WebAssembly. */
export function isSoftwareRenderer(description: string): boolean {
  return SOFTWARE_RENDERER.test(description);
}

/**
 * Threads the wasm backend can use on `cores` cores: more than one only where threads are
 * `possible` (a cross-origin isolated page with SharedArrayBuffer), at most four, and never every
 * core. The page draws the chart while the worker trains, and the browser composites it; wasm's
 * threads wait for each other at every kernel, so one of them losing its core to the page stalls
 * them all. On a 2-core machine lesson 1 reached 97 % sooner on one thread than on two, though two
 * trained faster on an idle page (README.md, Backends, "Threads").
 */
export function wasmThreadOptions(cores: number, possible: boolean): number[] {
  const most = Math.min(4, cores - 1);
  return possible && most > 1 ? [1, most] : [1];
}

/**
 * Why wasm uses the threads it does, where it left a core to the page: `cores` ran at once when
 * measured, of the `reported` the browser claims.
 */
export function threadsNote(threads: number, cores: number, reported: number, possible: boolean): string {
  const claim = cores < reported ? ` (the browser reports ${reported}; ${cores} ran at once when measured)` : '';
  return possible && threads === cores - 1 && threads > 1 ? ` It computes on ${threads} of this machine's ${cores} cores${claim}, leaving the page one to draw on while it trains.` : '';
}

/** What the backend choice needs to know about this browser, and the two things it can do. */
export interface BackendProbe {
  /** The WebGL 2 renderer string, or null without WebGL 2. */
  renderer(): string | null;
  /** The WebGPU adapter, or null without WebGPU. */
  webgpu(): Promise<{ description: string; software: boolean } | null>;
  /** Thread counts wasm can use here (1, and more where the page is cross-origin isolated). */
  wasmThreads(): number[];
  /** Makes `name` the active backend (wasm with `threads` threads); throws, saying why, when it cannot start. */
  start(name: BackendName, threads?: number): Promise<void>;
  /** Milliseconds per training-like batch on the active backend. */
  measure(): Promise<number>;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript' };

interface Candidate {
  name: BackendName;
  threads: number;
  ms: number;
}

const describe = (c: Candidate) => `${LABEL[c.name]}${c.name === 'wasm' ? ` with ${c.threads} thread${c.threads > 1 ? 's' : ''}` : ''}`;

/**
 * Picks the backend. `auto` measures every backend this browser offers on a training-like step
 * and keeps the fastest: WebGPU and WebGL on a real GPU, and WebAssembly with one thread and, in a
 * cross-origin isolated page, with several. A GPU drawn in software (SwiftShader, llvmpipe) is
 * not tried: it is many times slower than WebAssembly and compiles shaders for seconds. cpu is
 * the last resort. A backend the learner chose that will not start falls back to wasm, then cpu.
 */
export async function chooseBackend(choice: BackendChoice, probe: BackendProbe): Promise<BackendInfo> {
  const failed: BackendInfo['failed'] = [];
  const tryStart = async (name: BackendName, threads = 1): Promise<boolean> => {
    try {
      await probe.start(name, threads);
      return true;
    } catch (error) {
      failed.push({ name, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const bestThreads = async (): Promise<Candidate[]> => {
    const measured: Candidate[] = [];
    for (const threads of probe.wasmThreads()) {
      if (await tryStart('wasm', threads)) measured.push({ name: 'wasm', threads, ms: await probe.measure() });
    }
    return measured;
  };

  if (choice !== 'auto') {
    if (choice === 'wasm') {
      const measured = await bestThreads();
      if (measured.length) return settle(measured, failed, 'You chose WebAssembly.', tryStart);
    } else if (await tryStart(choice)) {
      return { name: choice, threads: 1, reason: `You chose ${LABEL[choice]}.`, failed, renderer: choice === 'webgl' ? probe.renderer() ?? undefined : undefined };
    }
    for (const fallback of (['wasm', 'cpu'] as BackendName[]).filter((b) => b !== choice)) {
      if (await tryStart(fallback)) return { name: fallback, threads: 1, reason: `${LABEL[choice]} failed to start, so Gradient Lab fell back to ${LABEL[fallback]}.`, failed };
    }
    throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
  }

  const measured: Candidate[] = [];
  const skipped: string[] = [];
  const gpu = await probe.webgpu();
  if (gpu && !gpu.software) {
    if (await tryStart('webgpu')) measured.push({ name: 'webgpu', threads: 1, ms: await probe.measure() });
  } else if (gpu) skipped.push('webgpu');
  const renderer = probe.renderer();
  if (renderer && !isSoftwareRenderer(renderer)) {
    if (await tryStart('webgl')) measured.push({ name: 'webgl', threads: 1, ms: await probe.measure() });
  } else if (renderer) skipped.push('webgl');
  measured.push(...(await bestThreads()));
  if (measured.length) {
    const software = skipped.length > 0 && !measured.some((c) => c.name !== 'wasm');
    const info = await settle(measured, failed, software ? 'Your browser draws graphics in software here, so training uses WebAssembly, about 9× faster.' : '', tryStart);
    return { ...info, renderer: renderer ?? undefined, gpu: gpu?.description };
  }
  if (await tryStart('cpu')) return { name: 'cpu', threads: 1, renderer: renderer ?? undefined, failed, reason: 'Neither the GPU nor WebAssembly could start, so training uses plain JavaScript (slow).' };
  throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
}

/** Keeps the fastest of the measured candidates (restarting it if another was started since) and says why. */
async function settle(measured: Candidate[], failed: BackendInfo['failed'], preface: string, tryStart: (name: BackendName, threads?: number) => Promise<boolean>): Promise<BackendInfo> {
  const best = measured.reduce((a, b) => (b.ms < a.ms ? b : a));
  const last = measured[measured.length - 1];
  if (best !== last && !(await tryStart(best.name, best.threads))) throw new Error(`${describe(best)} measured fastest but did not start again.`);
  const figures = measured.length > 1 ? ` Measured here, per test batch: ${measured.map((c) => `${describe(c)} ${c.ms.toFixed(1)} ms`).join(', ')}; so it uses ${describe(best)}.` : '';
  return { name: best.name, threads: best.threads, failed, reason: `${preface}${figures}`.trim() || `${describe(best)} is what this browser offers.`, measured: measured.map((c) => ({ backend: describe(c), ms: c.ms })) };
}
