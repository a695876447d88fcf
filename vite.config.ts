import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { bundleSizeReport } from './scripts/bundleSizeReport.ts';
import { lessonsPlugin } from './scripts/lessonsPlugin.ts';
import { contentPolicy } from './scripts/contentPolicy.ts';
import { offlineApp } from './scripts/offlineApp.ts';

export default defineConfig({
  plugins: [svelte(), lessonsPlugin(), bundleSizeReport(), contentPolicy(), offlineApp()],
  base: './',
  // Lessons are routed by the hash (#/lesson/…): an unknown path is a 404, never the index page.
  appType: 'mpa',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173 },
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
