import { checkValues, toQuery, type Schema, type Values } from '../../ml/schema';
import { excerpt, linkHash, readLinkSettings, readQuerySettings, unknownSettingsMessage } from '../../shared/shareLink';

/** The parts of `location` a link is made from. */
export type Address = Pick<Location, 'origin' | 'pathname' | 'search' | 'hash'>;

export interface LinkedSettings<S extends Schema> {
  /** Settings of the schema the link gives, checked (clamped, looked up) like anything typed. */
  values: Partial<Values<S>>;
  /** What was wrong with the link, each starting "From the link: ". */
  messages: string[];
}

/**
 * The settings a shared link gives widget `widget` (`#/lesson/…?widget.key=value`). Before the
 * lesson was part of the link, the digit trainer's links carried its settings in the query string
 * (`?learningRate=…#/lesson/…`): `legacySearch` reads those too. A value that cannot be used at
 * all falls back to the lesson's (`lesson`), where given, else to the setting's default.
 */
export function linkedSettings<S extends Schema>(
  widget: string,
  schema: S,
  hash = location.hash,
  legacySearch = '',
  lesson?: Partial<Values<S>>,
): LinkedSettings<S> {
  const legacy = legacySearch ? readQuerySettings(legacySearch, '') : null;
  const linked = readLinkSettings(hash, widget);
  const all = new Map([...(legacy?.values ?? []), ...linked.values]);
  const raw: Record<string, unknown> = Object.create(null);
  const unknown: string[] = [];
  for (const [key, value] of all) {
    // Every key goes through the schema: a long value is only repeated back in a message (a text setting is checked whole, against its length).
    if (Object.hasOwn(schema, key)) raw[key] = value.length > 64 && schema[key].kind !== 'text' ? excerpt(value) : value;
    else unknown.push(key);
  }
  const checked = checkValues(lesson ? withDefaults(schema, lesson) : schema, raw);
  const messages = [...(legacy?.messages ?? []), ...linked.messages, unknownSettingsMessage(unknown), ...checked.messages].filter((m): m is string => m !== null);
  return { values: checked.values, messages: messages.map((m) => `From the link: ${m}`) };
}

/**
 * A widget's starting settings: the lesson's (already checked), overridden by what a shared link
 * gives; `lesson` is kept as the base its own links are made against.
 */
export function startingSettings<S extends Schema>(widget: string, schema: S, lesson: Values<S>, hash = location.hash): { lesson: Values<S>; settings: Values<S>; messages: string[] } {
  const linked = linkedSettings(widget, schema, hash, '', lesson);
  return { lesson, settings: { ...lesson, ...linked.values }, messages: linked.messages };
}

/** A link to this lesson with widget `widget` set to `values` (only what differs from `base`). */
export function settingsLink<S extends Schema>(
  location: { origin: string; pathname: string; hash: string },
  widget: string,
  schema: S,
  values: Values<S>,
  base?: Values<S>,
): string {
  const differing = Object.fromEntries(new URLSearchParams(toQuery(schema, values, base)));
  return `${location.origin}${location.pathname}${linkHash(location.hash, widget, differing)}`;
}

/**
 * After the learner changed widget `widget`'s settings: where the address holds settings for it
 * (a shared link opened, or "Copy a link" put there when the clipboard was not allowed), they are
 * rewritten to `link`'s (the settings shown now), so a reload or Back never brings back a value
 * since changed (issue 22, item 5: a typed 200 came back as the 8000 of an earlier link). An
 * address without any is left alone: the lesson's settings are what it stands for.
 */
export function keepLinkInStep(widget: string, link: (at: Address) => string, at: Address = location, replace = (url: string) => history.replaceState(history.state, '', url)): void {
  if (readLinkSettings(at.hash, widget).values.size === 0) return;
  replace(`${at.pathname}${at.search}${new URL(link(at)).hash}`);
}

/**
 * Puts the link in the clipboard, or in the address bar where the clipboard is not allowed, and
 * says which, so the learner is told where to find it.
 */
export async function shareLink(link: string): Promise<'clipboard' | 'address bar'> {
  try {
    await navigator.clipboard.writeText(link);
    return 'clipboard';
  } catch {
    history.replaceState(null, '', link);
    return 'address bar';
  }
}

/** What the page says after shareLink. */
export function sharedMessage(where: 'clipboard' | 'address bar'): string {
  return where === 'clipboard' ? 'Link copied.' : 'The browser did not allow copying: the link is in the address bar, copy it from there.';
}

/** `schema` with the lesson's values as its defaults: what an unusable value goes back to. */
function withDefaults<S extends Schema>(schema: S, lesson: Partial<Values<S>>): S {
  return Object.fromEntries(Object.entries(schema).map(([key, param]) => [key, lesson[key] === undefined ? param : { ...param, default: lesson[key] }])) as S;
}
