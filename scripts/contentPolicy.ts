// The one Content-Security-Policy of the built app: written into every built page as a meta tag
// and sent as a header by `npm run preview` (so frame-ancestors, which a meta tag cannot carry,
// holds there too). Nothing leaves the page: every load and connection is to the app's own origin.
// The dev server gets none: Vite's hot reload injects <style> elements the policy forbids.
import type { Plugin } from 'vite';

const DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  // 'wasm-unsafe-eval' compiles tfjs's WebAssembly; no eval, no inline script.
  'script-src': "'self' 'wasm-unsafe-eval'",
  // The training worker and the service worker are files of the app; blob: for the threaded wasm build's helpers.
  'worker-src': "'self' blob:",
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
        if (context.server) return [];
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }];
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
