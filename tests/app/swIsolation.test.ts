import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

/** Loads public/sw-isolation.js as a service worker would, with a FetchEvent to patch. */
function load() {
  const calls: Promise<Response>[] = [];
  class FetchEvent {
    respondWith(response: Promise<Response> | Response) {
      calls.push(Promise.resolve(response));
    }
  }
  const self: Record<string, unknown> = {};
  runInNewContext(readFileSync('public/sw-isolation.js', 'utf8'), { self, FetchEvent, Headers, Response });
  return { FetchEvent, calls, withIsolation: self.gradientLabWithIsolation as (r: Response) => Response };
}

describe('the service worker’s cross-origin isolation', () => {
  it('adds COOP and COEP to every response the service worker answers with, keeping body, status and headers', async () => {
    const { FetchEvent, calls } = load();
    new FetchEvent().respondWith(new Response('<h1>app</h1>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
    const response = await calls[0];
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(response.headers.get('Content-Type')).toBe('text/html');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>app</h1>');
  });

  it('leaves a header the server already sent, and responses it cannot rebuild, alone', () => {
    const { withIsolation } = load();
    const sent = withIsolation(new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'credentialless' } }));
    expect(sent.headers.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
    const error = Response.error();
    expect(withIsolation(error)).toBe(error);
  });
});
