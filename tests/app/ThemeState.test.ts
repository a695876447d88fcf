// The colour theme: the system setting unless the learner chose otherwise; the choice remembered,
// storage that refuses survived; and the boot script (scripts/themeBoot.ts) that applies it before
// the first paint agrees with the state class on the key and on what to show.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { THEME_KEY, ThemeState, type SystemScheme } from '../../src/app/ThemeState.svelte';
import type { StorageLike } from '../../src/shared/storage';
import { THEME_BOOT_SCRIPT } from '../../scripts/themeBoot';
import { CONTENT_SECURITY_POLICY, THEME_BOOT_HASH } from '../../scripts/contentPolicy';

class MemoryStorage implements StorageLike {
  data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const refusing: StorageLike = {
  getItem() {
    throw new Error('SecurityError');
  },
  setItem() {
    throw new Error('SecurityError');
  },
  removeItem() {
    throw new Error('SecurityError');
  },
};

function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const system = {
    matches: dark,
    addEventListener: (_: 'change', listener: () => void) => listeners.add(listener),
    removeEventListener: (_: 'change', listener: () => void) => listeners.delete(listener),
    change(next: boolean) {
      system.matches = next;
      listeners.forEach((listener) => listener());
    },
  };
  return system satisfies SystemScheme;
}

const root = () => ({ dataset: {} as DOMStringMap }) as HTMLElement;

describe('ThemeState', () => {
  it('follows the system setting while nothing is stored, and its changes', () => {
    const system = fakeSystem(true);
    const element = root();
    const theme = new ThemeState(element, new MemoryStorage(), system);
    const stop = theme.start();
    expect([theme.theme, element.dataset.theme, theme.followsSystem]).toEqual(['dark', 'dark', true]);
    system.change(false);
    expect([theme.theme, element.dataset.theme]).toEqual(['light', 'light']);
    stop();
    system.change(true);
    expect(theme.theme).toBe('light');
  });

  it('remembers a choice that differs from the system, and forgets it when toggled back', () => {
    const storage = new MemoryStorage();
    const system = fakeSystem(false);
    const theme = new ThemeState(root(), storage, system);
    theme.toggle();
    expect([theme.theme, storage.getItem(THEME_KEY), theme.followsSystem]).toEqual(['dark', 'dark', false]);
    // A new page (a reload) starts from the stored choice, and keeps it when the system changes.
    const again = new ThemeState(root(), storage, system);
    again.start();
    system.change(false);
    expect(again.theme).toBe('dark');
    again.toggle();
    expect([again.theme, storage.getItem(THEME_KEY), again.followsSystem]).toEqual(['light', null, true]);
  });

  it('ignores a stored value it does not know, and works in memory where storage refuses', () => {
    const storage = new MemoryStorage();
    storage.setItem(THEME_KEY, 'purple');
    expect(new ThemeState(root(), storage, fakeSystem(true)).theme).toBe('dark');
    const element = root();
    const theme = new ThemeState(element, refusing, fakeSystem(false));
    expect(() => theme.toggle()).not.toThrow();
    expect([theme.theme, element.dataset.theme]).toEqual(['dark', 'dark']);
  });
});

describe('the theme boot script', () => {
  const script = THEME_BOOT_SCRIPT;

  function boot(stored: string | null, systemDark: boolean, refuseStorage = false): string | undefined {
    const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { runScripts: 'outside-only', url: 'http://localhost/' });
    const { window } = dom;
    if (stored !== null) window.localStorage.setItem(THEME_KEY, stored);
    if (refuseStorage) {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new Error('SecurityError');
        },
      });
    }
    window.matchMedia = ((query: string) => ({ matches: systemDark && query === '(prefers-color-scheme: dark)' })) as unknown as typeof window.matchMedia;
    window.eval(script);
    return window.document.documentElement.dataset.theme;
  }

  it('applies the same theme ThemeState would, from the same key', () => {
    for (const stored of [null, 'light', 'dark', 'purple'])
      for (const systemDark of [false, true]) {
        const storage = new MemoryStorage();
        if (stored !== null) storage.setItem(THEME_KEY, stored);
        expect(boot(stored, systemDark), `${stored} ${systemDark}`).toBe(new ThemeState(root(), storage, fakeSystem(systemDark)).theme);
      }
  });

  it('is the one inline script the content policy allows, by its hash', () => {
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src 'self' 'wasm-unsafe-eval' ${THEME_BOOT_HASH}`);
    expect(THEME_BOOT_HASH).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
  });

  it('follows the system where storage refuses', () => {
    expect(boot(null, true, true)).toBe('dark');
    expect(boot(null, false, true)).toBe('light');
  });
});
