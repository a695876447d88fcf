import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { bundleSizeReport } from './scripts/bundleSizeReport.ts';
import { lessonsPlugin } from './scripts/lessonsPlugin.ts';
import { CELL_FRAME_HASH, contentPolicy } from './scripts/contentPolicy.ts';
import { offlineApp } from './scripts/offlineApp.ts';
import { CROSS_ORIGIN_ISOLATION } from './scripts/crossOriginIsolation.ts';
import { wasmThreadsFix } from './scripts/wasmThreadsFix.ts';
import { compressWasm } from './scripts/compressWasm.ts';

export default defineConfig({
  plugins: [wasmThreadsFix(), svelte(), lessonsPlugin(), bundleSizeReport(), contentPolicy(), compressWasm(), offlineApp()],
  base: './',
  // The code cells' frame writes its own policy with its boot script's hash (src/sandbox/frameBoot.ts).
  define: { __CELL_FRAME_HASH__: JSON.stringify(CELL_FRAME_HASH) },
  // Lessons are routed by the hash (#/lesson/…): an unknown path is a 404, never the index page.
  appType: 'mpa',
  // The training worker is bundled by its own pipeline: it needs the wasm threads fix too.
  worker: { format: 'es', plugins: () => [wasmThreadsFix()] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  // Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer); see scripts/crossOriginIsolation.ts.
  server: { port: 5173, strictPort: false, headers: CROSS_ORIGIN_ISOLATION },
  preview: { port: 4173, headers: CROSS_ORIGIN_ISOLATION },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
