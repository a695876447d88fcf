// Settings shared by link: `#/lesson/<slug>?<widget>.<setting>=<value>&…`. The lesson is the
// route, each widget's settings are prefixed with its name, and every value is only ever checked
// against the widget's settings schema (numbers clamped, enums looked up in a Map) — nothing from
// a link is inserted as HTML. Pure, so it is tested alone (including property tests).

/**
 * Longest hash whose widget settings are read: a longer one's settings are ignored as a whole,
 * with a message. Code cells' code (`cell.<id>=…`, widgets/cells/cellLink.ts) is not counted: it
 * has a cap of its own, MAX_CELL_LINK_LENGTH, so shared code never costs the other widgets theirs.
 */
export const MAX_HASH_LENGTH = 4000;
/** Keys of a code cell's code in a link: `cell.<cellId>`. */
export const CELL_KEY_PREFIX = 'cell.';
/** Longest value of one `cell.<id>` key that is read (the compressed code, base64url). */
export const MAX_CELL_LINK_LENGTH = 60_000;
/** Most characters of a value a message repeats back. */
const ECHO = 40;

export interface LinkSettings {
  /** Raw values for one widget, by setting name (a Map: `__proto__` is just a key). */
  values: Map<string, string>;
  /** What was wrong with the link, in the learner's words (short, however long the link was). */
  messages: string[];
}

/** A value as a message may repeat it: at most a few dozen characters, without control characters. */
export function excerpt(value: string): string {
  // Control characters read as nothing on screen: show them as spaces.
  const clean = [...value].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('');
  return clean.length > ECHO ? `${clean.slice(0, ECHO)}… (${clean.length.toLocaleString('en')} characters)` : clean;
}

/** The query part of a lesson hash (`#/lesson/x?a=1` → `a=1`). */
export function hashQuery(hash: string): string {
  const at = hash.indexOf('?');
  return at === -1 ? '' : hash.slice(at + 1);
}

/**
 * The settings a link gives widget `widget`. A key given twice keeps its last value (and says so);
 * keys of other widgets are left to them.
 */
export function readLinkSettings(hash: string, widget: string): LinkSettings {
  return readQuerySettings(hashQuery(hash), `${widget}.`, settingsLength(hash));
}

/** A hash's length as MAX_HASH_LENGTH counts it: without its code cells' parameters (`cell.…=…`). */
export function settingsLength(hash: string): number {
  const at = hash.indexOf('?');
  if (at === -1) return hash.length;
  const kept = hash.slice(at + 1).split('&').filter((part) => !part.startsWith(CELL_KEY_PREFIX));
  return at + 1 + kept.join('&').length;
}

/**
 * The settings in a query string whose keys start with `prefix` (the prefix removed). `length` is
 * what the cap applies to: the whole hash for a link, the query itself otherwise.
 */
export function readQuerySettings(query: string, prefix: string, length = query.length): LinkSettings {
  if (length > MAX_HASH_LENGTH) {
    return { values: new Map(), messages: [`This link is too long (${length.toLocaleString('en')} characters; the limit is ${MAX_HASH_LENGTH.toLocaleString('en')}), so its settings were ignored.`] };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { values: new Map(), messages: ['The settings in this link could not be read, so the lesson’s settings are used.'] };
  }
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (values.has(name)) repeated.add(name);
    values.set(name, value);
  }
  const messages = [...repeated].map((name) => `“${excerpt(name)}” was given more than once; the last value was used.`);
  return { values, messages };
}

/** Sums up settings a widget does not know, instead of one message each. */
export function unknownSettingsMessage(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `The setting “${excerpt(names[0])}” is not one this widget has, so it was ignored.`;
  const shown = names.slice(0, 3).map((name) => `“${excerpt(name)}”`).join(', ');
  return `${names.length.toLocaleString('en')} unknown settings were ignored (${shown}${names.length > 3 ? ', …' : ''}).`;
}

/** A lesson hash as its route (`#/lesson/x`) and its query's parameters (none where it has none, or they cannot be read). */
export function splitHash(hash: string): { route: string; params: URLSearchParams } {
  const at = hash.indexOf('?');
  const route = at === -1 ? hash : hash.slice(0, at);
  try {
    return { route, params: new URLSearchParams(at === -1 ? '' : hash.slice(at + 1)) };
  } catch {
    return { route, params: new URLSearchParams() };
  }
}

/**
 * The hash of a link to this lesson with widget `widget`'s settings replaced by `settings`
 * (those that differ from the lesson's); other widgets' shared settings are kept.
 */
export function linkHash(hash: string, widget: string, settings: Readonly<Record<string, string>>): string {
  const { route, params } = splitHash(hash);
  const prefix = `${widget}.`;
  const kept = [...params].filter(([key]) => !key.startsWith(prefix));
  const next = new URLSearchParams(kept);
  for (const [name, value] of Object.entries(settings)) next.append(prefix + name, value);
  const query = next.toString();
  return query ? `${route}?${query}` : route;
}
