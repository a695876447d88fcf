// A code cell's code in a shared link: `#/lesson/<slug>?cell.<cellId>=z<base64url>`, the UTF-8
// code compressed with deflate-raw (CompressionStream: Chromium, Firefox ≥113, Safari ≥16.4,
// Node ≥18), so code with any characters survives the trip (lone surrogates, which are not
// Unicode, come back as U+FFFD) and a page of it fits in a link. The
// letter `z` names that form; another letter would be a later one. Links longer than
// MAX_HASH_LENGTH still carry the other widgets' settings (shareLink.ts leaves cell keys out of
// that count); a cell value has its own cap, MAX_CELL_LINK_LENGTH.
import { CELL_KEY_PREFIX, MAX_CELL_LINK_LENGTH, hashQuery, splitHash } from '../../shared/shareLink';
import { MAX_DRAFT_LENGTH } from './cellDrafts';

export { MAX_CELL_LINK_LENGTH } from '../../shared/shareLink';

/** The form of the code in a link: deflate-raw, base64url. */
export const CELL_LINK_VERSION = 'z';
/** Longest code (UTF-16 units, as `string.length`) a link carries: the same as a saved draft. */
export const MAX_LINKED_CODE_LENGTH = MAX_DRAFT_LENGTH;
/** UTF-8 takes at most 3 bytes per UTF-16 unit: more bytes than this cannot be code under the cap. */
const MAX_CODE_BYTES = MAX_LINKED_CODE_LENGTH * 3;

const LESSONS_CODE = 'so the lesson’s code is shown.';
const UNREADABLE = `The code in this link could not be read (it may have been cut short when it was copied), ${LESSONS_CODE}`;
const TOO_LONG = `The code in this link is longer than ${MAX_LINKED_CODE_LENGTH.toLocaleString('en')} characters, ${LESSONS_CODE}`;

export type DecodedCell = { code: string } | { error: string };

/**
 * The value of a `cell.<id>` key for `code`. Rejects, with a message for the learner, code longer
 * than MAX_LINKED_CODE_LENGTH or code that compresses to more than MAX_CELL_LINK_LENGTH.
 */
export async function encodeCellCode(code: string): Promise<string> {
  if (code.length > MAX_LINKED_CODE_LENGTH) {
    throw new RangeError(`This code is too long to share in a link (over ${MAX_LINKED_CODE_LENGTH.toLocaleString('en')} characters).`);
  }
  const compressed = await readAll(new Blob([new TextEncoder().encode(code)]).stream().pipeThrough(new CompressionStream('deflate-raw')), Infinity);
  const value = CELL_LINK_VERSION + toBase64Url(compressed!);
  if (value.length > MAX_CELL_LINK_LENGTH) {
    throw new RangeError('This code is too long to share in a link, even compressed: share a shorter version.');
  }
  return value;
}

/** The code a `cell.<id>` value holds, or why it cannot be used (a message for the learner). Never rejects. */
export async function decodeCellCode(value: string): Promise<DecodedCell> {
  if (value.length > MAX_CELL_LINK_LENGTH) return { error: TOO_LONG };
  if (!value.startsWith(CELL_LINK_VERSION)) {
    return { error: `The code in this link is in a form this version of the app cannot read, ${LESSONS_CODE}` };
  }
  const bytes = fromBase64Url(value.slice(CELL_LINK_VERSION.length));
  if (!bytes) return { error: UNREADABLE };
  let plain: Uint8Array<ArrayBuffer> | null;
  try {
    // Read no further than the cap: a small link may inflate to gigabytes.
    plain = await readAll(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')), MAX_CODE_BYTES);
  } catch {
    return { error: UNREADABLE };
  }
  if (!plain) return { error: TOO_LONG };
  let code: string;
  try {
    code = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plain);
  } catch {
    return { error: UNREADABLE };
  }
  return code.length > MAX_LINKED_CODE_LENGTH ? { error: TOO_LONG } : { code };
}

/** The raw value a hash gives cell `cellId` (the last, where given twice), or undefined. */
export function readCellLink(hash: string, cellId: string): string | undefined {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hashQuery(hash));
  } catch {
    return undefined;
  }
  return params.getAll(CELL_KEY_PREFIX + cellId).at(-1);
}

/** `hash` with cell `cellId`'s code set to `encoded` (removed where undefined); everything else kept. */
export function cellLinkHash(hash: string, cellId: string, encoded: string | undefined): string {
  const { route, params } = splitHash(hash);
  const key = CELL_KEY_PREFIX + cellId;
  if (encoded === undefined) params.delete(key);
  else params.set(key, encoded);
  const query = params.toString();
  return query ? `${route}?${query}` : route;
}

/** A stream's bytes, or null once there are more than `cap` (the rest is not read). */
async function readAll(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url text, or null where it is not that. */
function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
