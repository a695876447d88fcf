// The Chromium flags of the end-to-end tests and the benchmark, in one place.
import { existsSync, readdirSync } from 'node:fs';

/** The brief's flags: headless, no sandbox, software WebGL allowed, no background traffic. */
const BASE = ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** No GPU: WebGL drawn by SwiftShader on the CPU (the old --use-gl=swiftshader removes WebGL entirely). */
const SOFTWARE_GPU = ['--use-angle=swiftshader'];

/** A real GPU: hardware WebGL through Vulkan, and WebGPU (still behind a flag on Linux). */
const HARDWARE_GPU = ['--use-angle=vulkan', '--enable-features=Vulkan', '--ignore-gpu-blocklist', '--enable-gpu-rasterization', '--enable-unsafe-webgpu'];

/** A GPU this machine's Chromium could use: NVIDIA's device node, or a DRM render node. */
export function hasGpu(): boolean {
  if (process.env.GRADIENT_LAB_GPU !== undefined) return process.env.GRADIENT_LAB_GPU === '1';
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

/**
 * The flags for this machine: on a machine with a GPU (or GRADIENT_LAB_GPU=1) hardware WebGL and
 * WebGPU; otherwise SwiftShader. `webgpu` adds WebGPU where it is off by default (the benchmark
 * measures it on SwiftShader's Vulkan adapter too). EXTRA_CHROMIUM_ARGS adds more.
 */
export function chromiumArgs(options: { webgpu?: boolean } = {}): string[] {
  const gpu = hasGpu();
  return [
    ...BASE,
    ...(gpu ? HARDWARE_GPU : SOFTWARE_GPU),
    ...(options.webgpu && !gpu ? ['--enable-unsafe-webgpu'] : []),
    ...(process.env.EXTRA_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
}
