// What the backend choice reads from this browser: its cores, whether wasm may start threads, its
// WebGL renderer and its WebGPU adapter. Reads only; the choice itself is chooseBackend.ts's.
import { isSoftwareRenderer } from './chooseBackend';

/** The logical cores the browser reports, read before `allowWasmThreads` (tfjsInternals.ts) changes what wasm sees. */
export const LOGICAL_CORES = globalThis.navigator?.hardwareConcurrency ?? 1;

/**
 * wasm can run threads only in a cross-origin isolated page that has SharedArrayBuffer: WebKit
 * reports `crossOriginIsolated` true in the page while `SharedArrayBuffer` is undefined there.
 */
export function threadsPossible(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

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

/** The WebGPU adapter's description, or null without WebGPU here. */
export async function webgpuAdapter(): Promise<{ description: string; software: boolean } | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; device?: string; description?: string }; isFallbackAdapter?: boolean } | null> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown GPU';
    return { description, software: adapter.isFallbackAdapter === true || isSoftwareRenderer(description) };
  } catch {
    return null;
  }
}
