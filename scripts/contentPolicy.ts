// The one Content-Security-Policy of the built app: written into every built page as a meta tag
// and sent as a header by `npm run preview` (so frame-ancestors, which a meta tag cannot carry,
// holds there too). Nothing leaves the page: every load and connection is to the app's own origin.
// The dev server gets none: Vite's hot reload injects <style> elements the policy forbids.
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';
import { THEME_BOOT_SCRIPT } from './themeBoot.ts';
import { FRAME_BOOT_SCRIPT } from '../src/sandbox/frameBoot.ts';

/** The one inline script, allowed by its hash: it sets the colour theme before the first paint. */
export const THEME_BOOT_HASH = `'sha256-${createHash('sha256').update(THEME_BOOT_SCRIPT).digest('base64')}'`;

/**
 * The code cells' sandbox frame: its one inline script, allowed by its hash. The frame (a srcdoc)
 * inherits this policy and adds its own, stricter one (src/sandbox/frameBoot.ts); the page gets
 * the hash as a constant (vite.config.ts: __CELL_FRAME_HASH__) to write the frame's policy.
 */
export const CELL_FRAME_HASH = `'sha256-${createHash('sha256').update(FRAME_BOOT_SCRIPT).digest('base64')}'`;

const DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  // 'wasm-unsafe-eval' compiles tfjs's WebAssembly; no eval, and no inline script but the theme's
  // and the code cells' sandbox frame's, each by its hash.
  'script-src': `'self' 'wasm-unsafe-eval' ${THEME_BOOT_HASH} ${CELL_FRAME_HASH}`,
  // The training worker and the service worker are files of the app; blob: for the threaded wasm
  // build's helpers and the code cells' workers, data: for the cells' workers in WebKit (frameBoot.ts).
  'worker-src': "'self' blob: data:",
  // Stylesheets are files; style attributes stay allowed (Svelte templates and chart.js set sizes on elements).
  'style-src': "'self'",
  'style-src-attr': "'unsafe-inline'",
  // Digits and heat maps are drawn to canvases and shown as data: and blob: images.
  'img-src': "'self' data: blob:",
  'connect-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'none'",
};

const HEADER_ONLY: Record<string, string> = { 'frame-ancestors': "'none'" };

const join = (directives: Record<string, string>) =>
  Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

/** The policy as a page's meta tag carries it. */
export const CONTENT_SECURITY_POLICY = join(DIRECTIVES);
/** The policy as the preview server sends it. */
export const CONTENT_SECURITY_POLICY_HEADER = join({ ...DIRECTIVES, ...HEADER_ONLY });

export function contentPolicy(): Plugin {
  return {
    name: 'gradient-lab:content-policy',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        // The theme script at the end of <head>, after <meta charset> (which must come within the page's
        // first 1,024 bytes) and still before anything is painted; the dev server gets no policy (above).
        const theme = { tag: 'script', children: THEME_BOOT_SCRIPT, injectTo: 'head' } as const;
        if (context.server) return [theme];
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }, theme];
      },
    },
    configurePreviewServer(server) {
      server.middlewares.use((_request, response, next) => {
        response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY_HEADER);
        response.setHeader('X-Content-Type-Options', 'nosniff');
        response.setHeader('Referrer-Policy', 'no-referrer');
        next();
      });
    },
  };
}
