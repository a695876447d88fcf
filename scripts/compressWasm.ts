// `npm run preview` serves the .wasm files gzip'd, as static hosts do (Netlify, Cloudflare and
// GitHub Pages compress application/wasm): Vite's preview compresses only text, JavaScript and
// JSON, so tfjs's 425 KB SIMD build went over the wire whole (137 KB gzip'd) and a first visit's
// bytes before Train were measured against a server no learner meets.
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { CROSS_ORIGIN_ISOLATION } from './crossOriginIsolation.ts';

export function compressWasm(): Plugin {
  const cache = new Map<string, Buffer>();
  let root = 'dist';
  return {
    name: 'gradient-lab:compress-wasm',
    apply: 'serve',
    configResolved(config) {
      root = config.build.outDir;
    },
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').replace(/[?#].*$/, '');
        if (!path.endsWith('.wasm') || !/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) || request.method !== 'GET') return next();
        const file = normalize(join(root, decodeURIComponent(path)));
        if (!file.startsWith(normalize(root))) return next();
        let body = cache.get(file);
        if (!body) {
          try {
            body = gzipSync(readFileSync(file), { level: 9 });
          } catch {
            return next(); // not a file of the build: the preview's own 404
          }
          cache.set(file, body);
        }
        for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) response.setHeader(name, value);
        response.setHeader('Content-Type', 'application/wasm');
        response.setHeader('Content-Encoding', 'gzip');
        response.setHeader('Vary', 'Accept-Encoding');
        response.setHeader('Cache-Control', 'no-cache');
        response.setHeader('Content-Length', body.length);
        response.end(body);
      });
    },
  };
}
