// "Restart widget" after a crash starts the widget again from the lesson's settings: the settings a
// shared link gave it are taken out of the address first, since they are the likeliest cause (a
// widget reads its link when it starts). Pure, so it is tested alone.
import { linkHash } from '../shared/shareLink';

/** Widgets that still read settings from old-style links' query string (`?learningRate=…#/lesson/…`). */
const READS_LEGACY_QUERY = new Set(['mnist-trainer']);

/** Longest error text shown in a widget's error box (an error may repeat a huge input). */
const MAX_ERROR = 200;

export interface AddressParts {
  pathname: string;
  search: string;
  hash: string;
}

/** The address with widget `widget`'s link settings removed, and whether there were any. */
export function withoutLinkSettings(address: AddressParts, widget: string): { address: string; dropped: boolean } {
  const search = READS_LEGACY_QUERY.has(widget) ? '' : address.search;
  let hash: string;
  try {
    hash = linkHash(address.hash, widget, {});
  } catch {
    // A query the link reader chokes on: keep only the route.
    const at = address.hash.indexOf('?');
    hash = at === -1 ? address.hash : address.hash.slice(0, at);
  }
  return { address: `${address.pathname}${search}${hash}`, dropped: hash !== address.hash || search !== address.search };
}

export function restartMessage(dropped: boolean): string {
  return dropped
    ? 'The widget was restarted with the lesson’s settings. The settings from the link were left out, since they may have caused the problem.'
    : 'The widget was restarted with the lesson’s settings.';
}

/** An error as the learner sees it: its message, cut short. */
export function errorSummary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR)}… (${text.length.toLocaleString('en')} characters)` : text;
}
