// Light or dark: the system setting unless the learner chose otherwise with the header's toggle.
// The choice is stored only while it differs from the system, so toggling back to what the
// system says means "follow the system" again. scripts/themeBoot.ts applies it before first paint.
import type { StorageLike } from '../shared/storage';

export type Theme = 'light' | 'dark';

/** The storage key the boot script (scripts/themeBoot.ts) reads too. */
export const THEME_KEY = 'gradient-lab.theme';

/** What the state class needs of `window.matchMedia('(prefers-color-scheme: dark)')`. */
export interface SystemScheme {
  readonly matches: boolean;
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

export class ThemeState {
  #storage: StorageLike | null;
  #system: SystemScheme | null;
  #root: HTMLElement;
  #stored = $state<Theme | null>(null);
  #systemDark = $state(false);

  /** `storage` null where the browser refuses storage: the toggle then lasts until the page closes. */
  constructor(root: HTMLElement, storage: StorageLike | null, system: SystemScheme | null) {
    this.#root = root;
    this.#storage = storage;
    this.#system = system;
    this.#systemDark = system?.matches ?? false;
    this.#stored = readStored(storage);
    this.#apply();
  }

  get theme(): Theme {
    return this.#stored ?? (this.#systemDark ? 'dark' : 'light');
  }

  /** Whether the theme follows the system setting (nothing stored). */
  get followsSystem(): boolean {
    return this.#stored === null;
  }

  toggle(): void {
    this.set(this.theme === 'dark' ? 'light' : 'dark');
  }

  set(theme: Theme): void {
    const system: Theme = this.#systemDark ? 'dark' : 'light';
    this.#stored = theme === system ? null : theme;
    try {
      if (this.#stored) this.#storage?.setItem(THEME_KEY, this.#stored);
      else this.#storage?.removeItem(THEME_KEY);
    } catch {
      // Storage full or refused: the theme still changes for this visit.
    }
    this.#apply();
  }

  /** Follows changes of the system setting; returns the function that stops. */
  start(): () => void {
    const system = this.#system;
    if (!system) return () => {};
    const onChange = () => {
      this.#systemDark = system.matches;
      this.#apply();
    };
    system.addEventListener('change', onChange);
    return () => system.removeEventListener('change', onChange);
  }

  #apply(): void {
    this.#root.dataset.theme = this.theme;
  }
}

function readStored(storage: StorageLike | null): Theme | null {
  try {
    const value = storage?.getItem(THEME_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null;
  }
}

export function systemScheme(): SystemScheme | null {
  return typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
}
