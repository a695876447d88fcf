// The browser's storage as the app's stores use it: a small interface (tests pass a fake) and
// `localStorage` where the browser lets the page read it. Shared by the shell's progress and
// theme and the widgets that keep the learner's own data (lesson 11's drawings).

/** The part of the Web Storage API the stores need; `localStorage` satisfies it. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** `window.localStorage`, or `null` where reading it throws (blocked cookies, sandboxed frames). */
export function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
