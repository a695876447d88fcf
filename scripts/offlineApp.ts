// The app works offline after the first visit: a Workbox service worker (vite-plugin-pwa)
// precaches every file of the build — lessons, widget chunks, tfjs and its wasm binaries, the
// digits — under a revision per file, so a new build replaces exactly what changed. It waits
// until the learner accepts the update (src/app/UpdateNotice.svelte), and ships the manifest
// and icons that make the app installable. On a static host it also makes the page cross-origin
// isolated (public/sw-isolation.js), so wasm may use threads there too.
import { VitePWA } from 'vite-plugin-pwa';

/**
 * tfjs's wasm builds that most browsers never load: the one without SIMD (browsers from before
 * 2021) and the threaded one (only where wasm gets several threads). They are cached when first
 * used instead of precached, which saved 0.75 MB (uncompressed) of every first visit.
 */
export const ENGINE_BUILDS_ON_DEMAND = /\/tfjs-backend-wasm(-threaded-simd)?-[\w-]{8}\.wasm$/;

export function offlineApp() {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    includeAssets: ['icons/icon.svg', 'robots.txt'],
    manifest: {
      name: 'Gradient Lab',
      short_name: 'Gradient Lab',
      description: 'Train a neural network in your browser, then learn how it works.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#2563eb',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      // The benchmark page is a tool, not part of the app.
      globPatterns: ['**/*.{js,css,html,wasm,bin,svg,png,webmanifest,txt}'],
      globIgnores: ['bench.html', 'assets/bench-*.js'],
      // The digits (1.6 MB) and tfjs's wasm binaries are bigger than Workbox's 2 MB default allows for.
      maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      manifestTransforms: [async (entries) => ({ manifest: entries.filter((entry) => !ENGINE_BUILDS_ON_DEMAND.test(`/${entry.url}`)), warnings: [] })],
      runtimeCaching: [{ urlPattern: ({ url }) => ENGINE_BUILDS_ON_DEMAND.test(url.pathname), handler: 'CacheFirst', options: { cacheName: 'engine-builds' } }],
      navigateFallback: null,
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      // Adds COOP/COEP to what the service worker serves, for static hosts that cannot send them.
      importScripts: ['sw-isolation.js'],
    },
  });
}
