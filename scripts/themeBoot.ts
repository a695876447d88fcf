// The script that sets the colour theme before the page is first drawn, so a dark page never
// flashes white. It is inlined into the page's <head> (scripts/contentPolicy.ts allows exactly this
// text by its hash): it runs before anything is painted and costs no request of its own.
// The header's toggle (src/app/ThemeState.svelte.ts) owns the choice afterwards; both use this key.
export const THEME_STORAGE_KEY = 'gradient-lab.theme';

export const THEME_BOOT_SCRIPT = `(function () {
  var stored = null;
  try {
    stored = window.localStorage.getItem('${THEME_STORAGE_KEY}');
  } catch (e) {
    // Storage refused (privacy settings): follow the system setting.
  }
  var systemDark = !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  var dark = stored === 'dark' || (stored !== 'light' && systemDark);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();`;
