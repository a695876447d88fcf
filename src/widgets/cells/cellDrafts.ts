// The learner's edits of a lesson's code cells, kept in the browser so a reload brings them back:
// one storage entry per lesson, `gradient-lab:cell-drafts:<lesson>`, holding JSON
// `{ "<cellId>": "<code>" }`. Only code that differs from the cell's starting code is kept.
import type { StorageLike } from '../../shared/storage';

/** Longest code of one cell that is saved. */
export const MAX_DRAFT_LENGTH = 100_000;

const KEEP = 'It stays here until you leave the page.';

export type SaveResult = { saved: true } | { saved: false; message: string };

export function draftsKey(lesson: string): string {
  return `gradient-lab:cell-drafts:${lesson}`;
}

/**
 * One lesson's drafts. What `get` returns is the latest edit, saved or not: an edit the browser
 * would not store (full, blocked, too long) is kept in memory, so nothing typed is lost while the
 * page is open. An entry that cannot be read (not JSON, not a mapping) counts as no drafts: it is
 * left in storage as it is (`unreadable` says so) until the next save here replaces it.
 */
export class CellDrafts {
  readonly #storage: StorageLike | null;
  readonly #key: string;
  /** What storage holds (as far as this page knows). */
  #stored = new Map<string, string>();
  /** The latest edit of each cell, saved or not. */
  readonly #latest = new Map<string, string>();
  /** Set when the stored entry could not be read; the learner's words. */
  readonly unreadable: string | null = null;

  constructor(storage: StorageLike | null, lesson: string) {
    this.#storage = storage;
    this.#key = draftsKey(lesson);
    let text: string | null = null;
    try {
      text = storage?.getItem(this.#key) ?? null;
    } catch {
      text = null;
    }
    if (text === null) return;
    const read = readDrafts(text);
    if (read === null) {
      this.unreadable = 'Your saved edits of this lesson’s code could not be read, so the lesson’s code is shown. Editing a cell here saves over them.';
      return;
    }
    this.#stored = read;
    for (const [cell, code] of read) this.#latest.set(cell, code);
  }

  /** The learner's code for `cellId`, or undefined where they have not changed it. */
  get(cellId: string): string | undefined {
    return this.#latest.get(cellId);
  }

  /**
   * Keeps `code` as the learner's code for `cellId`. Code equal to `startingCode` (the lesson's)
   * is not a draft: the cell's draft is forgotten instead.
   */
  save(cellId: string, code: string, startingCode?: string): SaveResult {
    if (code === startingCode) {
      this.forget(cellId);
      return { saved: true };
    }
    this.#latest.set(cellId, code);
    if (code.length > MAX_DRAFT_LENGTH) {
      return { saved: false, message: `Your edit could not be saved: the code is longer than ${MAX_DRAFT_LENGTH.toLocaleString('en')} characters. ${KEEP}` };
    }
    if (!this.#storage) {
      return { saved: false, message: `Your edit could not be saved: this browser does not let the page store anything. ${KEEP}` };
    }
    const next = new Map(this.#stored).set(cellId, code);
    try {
      this.#storage.setItem(this.#key, JSON.stringify(Object.fromEntries(next)));
    } catch (error) {
      return { saved: false, message: isQuotaError(error) ? `Your edit could not be saved: the browser’s storage for this site is full. ${KEEP}` : `Your edit could not be saved: the browser did not let the page store it. ${KEEP}` };
    }
    this.#stored = next;
    return { saved: true };
  }

  /** Drops the learner's code for `cellId` (Reset): the lesson's code is what comes back. */
  forget(cellId: string): void {
    this.#latest.delete(cellId);
    if (!this.#storage || !this.#stored.has(cellId)) return;
    const next = new Map(this.#stored);
    next.delete(cellId);
    // Even where storage refuses (below), the next save writes the drafts without this one.
    this.#stored = next;
    try {
      if (next.size === 0) this.#storage.removeItem(this.#key);
      else this.#storage.setItem(this.#key, JSON.stringify(Object.fromEntries(next)));
    } catch {
      // Left in storage for now; it is gone from this page.
    }
  }
}

/** The drafts in a stored entry, or null where it is not a JSON mapping. Values that are not text are dropped. */
export function readDrafts(text: string): Map<string, string> | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const drafts = new Map<string, string>();
  for (const [cell, code] of Object.entries(data)) if (typeof code === 'string') drafts.set(cell, code);
  return drafts;
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED');
}
