// The app's hash URLs: `#/` is the home page, `#/lesson/<slug>` one lesson. Hash URLs need no
// server configuration, so the built app works from any static host and from `vite preview`.
// Shared by the shell's router and the widgets that read the lesson from a link.

export type Route = { name: 'home' } | { name: 'lesson'; slug: string } | { name: 'not-found'; path: string };

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
