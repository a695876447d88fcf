// Sets the colour theme before the page is first drawn, so a dark page never flashes white.
// A classic script file (the content policy allows no inline script): it blocks the parser for a
// moment, where a module would run only after the page was parsed and perhaps painted.
// The header's toggle (src/app/ThemeState.svelte.ts) owns the choice afterwards; both use this key.
(function () {
  var stored = null;
  try {
    stored = window.localStorage.getItem('gradient-lab.theme');
  } catch {
    // Storage refused (privacy settings): follow the system setting.
  }
  var systemDark = !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  var dark = stored === 'dark' || (stored !== 'light' && systemDark);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
