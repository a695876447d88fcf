// What widgets drawing on a canvas need of the page's colour theme (src/app/theme.css): the theme
// now, a colour token's value, and a call when the theme changes so they can repaint. CSS does the
// rest; only pixels drawn by script have to be told.
export type PageTheme = 'light' | 'dark';

export function currentTheme(): PageTheme {
  return typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

/** A colour token of theme.css (e.g. `--color-muted`), as the page resolves it now. */
export function themeColour(token: string, fallback = '#888'): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(token).trim() || fallback;
}

/** Calls `onchange` whenever the page switches theme; returns the function that stops watching. */
export function watchTheme(onchange: (theme: PageTheme) => void): () => void {
  if (typeof MutationObserver === 'undefined' || typeof document === 'undefined') return () => {};
  let last = currentTheme();
  const observer = new MutationObserver(() => {
    const now = currentTheme();
    if (now === last) return;
    last = now;
    onchange(now);
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
