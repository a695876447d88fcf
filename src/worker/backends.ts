import { tf } from '../ml/tf';
import { registerConvFilterGradient } from '../ml/wasmConvGradient';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL 2 renderer string, or null when there is no WebGL 2 here. */
export function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

let webglModule: typeof import('@tensorflow/tfjs-backend-webgl') | null = null;

async function activate(name: BackendName, onContextLost: () => void): Promise<void> {
  if (name === 'webgl') {
    webglModule ??= await import('@tensorflow/tfjs-backend-webgl');
    // After a lost context the old backend is dead for good: register a fresh one.
    if (tf.findBackend('webgl') && isContextLost()) {
      tf.removeBackend('webgl');
      const { MathBackendWebGL } = webglModule;
      tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
    }
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await withTimeout(tf.setBackend(name), 30_000, `The ${name} backend did not start within 30 s.`);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`The ${name} backend could not start in this browser.`);
  // A tiny op proves the backend computes, not just that it registered.
  const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
  const value = (await withTimeout(probe.data(), 30_000, `The ${name} backend did not answer.`))[0];
  probe.dispose();
  if (value !== 8) throw new Error(`The ${name} backend computed a wrong result (${value}).`);
  if (name === 'wasm') registerConvFilterGradient();
  if (name === 'webgl') watchContext(onContextLost);
}

function webglCanvas(): OffscreenCanvas | HTMLCanvasElement | null {
  try {
    const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
    return (backend?.gpgpu?.gl?.canvas as OffscreenCanvas | HTMLCanvasElement | undefined) ?? null;
  } catch {
    return null;
  }
}

function isContextLost(): boolean {
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  return backend?.gpgpu?.gl?.isContextLost() ?? false;
}

function watchContext(onContextLost: () => void): void {
  const canvas = webglCanvas();
  canvas?.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    onContextLost();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Times a few training-like matrix products on the active backend, in milliseconds each. */
async function measure(): Promise<number> {
  const run = async () => {
    const out = tf.tidy(() => {
      const a = tf.randomNormal([256, 784]);
      const b = tf.randomNormal([784, 128]);
      return tf.sum(tf.relu(tf.matMul(a, b)));
    });
    await out.data();
    out.dispose();
  };
  await run(); // compile shaders / warm caches first
  const start = performance.now();
  for (let i = 0; i < 5; i++) await run();
  return (performance.now() - start) / 5;
}

/** What the backend choice needs to know about this browser, and the two things it can do. */
export interface BackendProbe {
  /** The WebGL 2 renderer string, or null without WebGL 2. */
  renderer(): string | null;
  /** Makes `name` the active backend; throws, saying why, when it cannot start. */
  start(name: BackendName): Promise<void>;
  /** Milliseconds per training-like batch on the active backend. */
  measure(): Promise<number>;
}

/** Starts the backend for `choice` (see `chooseBackend`) on this browser. */
export function setupBackend(choice: BackendChoice, onContextLost: () => void): Promise<BackendInfo> {
  return chooseBackend(choice, { renderer: webglRenderer, start: (name) => activate(name, onContextLost), measure });
}

/**
 * Picks the backend. `auto` tries WebGL; where it is software-rendered (no GPU: SwiftShader,
 * llvmpipe) wasm is ~9× faster, so it uses wasm without spending seconds compiling shaders; on a
 * real GPU it measures both and keeps the faster. cpu is the last resort. A backend the learner
 * chose that will not start falls back to wasm, then cpu.
 */
export async function chooseBackend(choice: BackendChoice, probe: BackendProbe): Promise<BackendInfo> {
  const failed: BackendInfo['failed'] = [];
  const tryStart = async (name: BackendName): Promise<boolean> => {
    try {
      await probe.start(name);
      return true;
    } catch (error) {
      failed.push({ name, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };

  if (choice !== 'auto') {
    if (await tryStart(choice)) return { name: choice, reason: 'You chose this backend.', failed, renderer: choice === 'webgl' ? probe.renderer() ?? undefined : undefined };
    for (const fallback of (['wasm', 'cpu'] as BackendName[]).filter((b) => b !== choice)) {
      if (await tryStart(fallback)) return { name: fallback, reason: `${choice} failed to start, so Gradient Lab fell back to ${fallback}.`, failed };
    }
    throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
  }

  const renderer = probe.renderer();
  if (renderer && !SOFTWARE_RENDERER.test(renderer)) {
    if (await tryStart('webgl')) {
      const webglMs = await probe.measure();
      if (await tryStart('wasm')) {
        const wasmMs = await probe.measure();
        if (wasmMs < webglMs) {
          return { name: 'wasm', renderer, failed, reason: `Measured: wasm (${wasmMs.toFixed(1)} ms) beat your GPU through WebGL (${webglMs.toFixed(1)} ms).` };
        }
        await tryStart('webgl');
      }
      return { name: 'webgl', renderer, failed, reason: 'Your graphics card measured fastest, so training uses it (through WebGL).' };
    }
  }
  const why = renderer
    ? 'Your browser draws graphics in software here, so training uses WebAssembly, about 9× faster.'
    : 'WebGL 2 is not available here, so training uses WebAssembly.';
  if (await tryStart('wasm')) return { name: 'wasm', renderer: renderer ?? undefined, failed, reason: why };
  if (await tryStart('cpu')) return { name: 'cpu', renderer: renderer ?? undefined, failed, reason: 'Neither WebGL nor WebAssembly could start, so training uses plain JavaScript (slow).' };
  throw new Error(`No backend could start: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
}

/** Drops tfjs's WebGL context as a GPU reset would (fault injection for tests). */
export function loseWebglContext(): boolean {
  if (tf.getBackend() !== 'webgl') return false;
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  const extension = backend?.gpgpu?.gl?.getExtension('WEBGL_lose_context');
  if (!extension) return false;
  extension.loseContext();
  return true;
}
