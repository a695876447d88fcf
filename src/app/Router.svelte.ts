// Hash routing: `#/` is the home page, `#/lesson/<slug>` one lesson. Hash URLs need no server
// configuration, so the built app works from any static host and from `vite preview`.

export type Route = { name: 'home' } | { name: 'lesson'; slug: string } | { name: 'not-found'; path: string };

/** The part of `window` the router uses, so tests can pass a fake. */
export interface HashSource {
  location: { hash: string };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

export function homeHref(): string {
  return '#/';
}

export function lessonHref(slug: string): string {
  return `#/lesson/${encodeURIComponent(slug)}`;
}

/** Never throws: anything it cannot read is a `not-found` route. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { name: 'home' };
  // `#/lesson/<slug>?…`: what follows `?` is the widgets' shared settings (shareLink.ts).
  const match = /^\/lesson\/([^/?#]+)\/?(?:\?.*)?$/s.exec(path);
  if (match) {
    try {
      return { name: 'lesson', slug: decodeURIComponent(match[1]) };
    } catch {
      // A malformed escape such as "%E0%A4%A" falls through to not-found.
    }
  }
  return { name: 'not-found', path };
}

export class Router {
  #source: HashSource;
  #route = $state<Route>({ name: 'home' });
  #onHashChange = () => {
    this.#route = parseHash(this.#source.location.hash);
  };

  constructor(source: HashSource) {
    this.#source = source;
    this.#route = parseHash(source.location.hash);
  }

  get route(): Route {
    return this.#route;
  }

  /** Starts following the address bar; returns the function that stops it. */
  start(): () => void {
    this.#source.addEventListener('hashchange', this.#onHashChange);
    this.#onHashChange();
    return () => this.#source.removeEventListener('hashchange', this.#onHashChange);
  }
}
