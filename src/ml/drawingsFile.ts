// The learner's drawings (lesson 11) as a JSON text: what an exported file holds and what the
// browser keeps between visits. Every field of a file read back is checked, so a corrupt file,
// one from another version or a huge one is refused with a message, never half-loaded.
//
//   { "format": "gradient-lab-drawings", "version": 1,
//     "classes": [ { "name": "✓", "drawings": ["<base64 of 784 bytes>", …] }, … ] }
import { DRAWING_PIXELS, MAX_CLASSES, MAX_PER_CLASS, checkClassName, type DrawingClass } from './ownClassifier';

export const DRAWINGS_FORMAT = 'gradient-lab-drawings';
export const DRAWINGS_VERSION = 1;
/**
 * A full file (5 classes of 100 drawings) is about 0.55 MB; anything much larger is not ours,
 * and reading it would only freeze the page.
 */
export const MAX_FILE_BYTES = 1_000_000;

export type ParsedDrawings = { ok: true; classes: DrawingClass[] } | { ok: false; message: string };

export function serializeDrawings(classes: readonly DrawingClass[]): string {
  return JSON.stringify({
    format: DRAWINGS_FORMAT,
    version: DRAWINGS_VERSION,
    classes: classes.map((c) => ({ name: c.name, drawings: c.drawings.map(toBase64) })),
  });
}

/** Reads a drawings file, or says in the learner's words why it cannot. */
export function parseDrawings(text: string): ParsedDrawings {
  const fail = (message: string): ParsedDrawings => ({ ok: false, message });
  if (text.length > MAX_FILE_BYTES) return fail(tooLarge(text.length));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('This file is not a Gradient Lab drawings file: it is not valid JSON (it may be damaged or cut short).');
  }
  if (!isRecord(data) || data.format !== DRAWINGS_FORMAT) return fail('This file is not a Gradient Lab drawings file (its "format" is missing or different).');
  if (data.version !== DRAWINGS_VERSION) {
    return fail(`This drawings file is version ${JSON.stringify(data.version)}, but this page reads version ${DRAWINGS_VERSION}. Export it again from the same version of Gradient Lab.`);
  }
  if (!Array.isArray(data.classes)) return fail('This drawings file is damaged: it has no list of classes.');
  if (data.classes.length > MAX_CLASSES) return fail(`This drawings file has ${data.classes.length} classes; at most ${MAX_CLASSES} are allowed.`);
  const classes: DrawingClass[] = [];
  for (const [i, entry] of data.classes.entries()) {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.drawings)) return fail(`This drawings file is damaged: class ${i + 1} is not a name with a list of drawings.`);
    const nameProblem = checkClassName(entry.name, classes.map((c) => c.name));
    if (nameProblem) return fail(`Class ${i + 1} of this file cannot be used: ${nameProblem}`);
    if (entry.drawings.length > MAX_PER_CLASS) return fail(`Class “${entry.name}” has ${entry.drawings.length} drawings; at most ${MAX_PER_CLASS} per class are allowed.`);
    const drawings: Uint8Array[] = [];
    for (const [k, encoded] of entry.drawings.entries()) {
      const pixels = typeof encoded === 'string' ? fromBase64(encoded) : null;
      if (!pixels || pixels.length !== DRAWING_PIXELS) return fail(`This drawings file is damaged: drawing ${k + 1} of “${entry.name}” is not a ${DRAWING_PIXELS}-pixel image.`);
      drawings.push(pixels);
    }
    classes.push({ name: entry.name.trim(), drawings });
  }
  return { ok: true, classes };
}

/** The message for a file over MAX_FILE_BYTES (checked on the file's size before reading it too). */
export function tooLarge(bytes: number): string {
  return `This file is ${(bytes / 1e6).toFixed(1)} MB; a drawings file is at most ${MAX_FILE_BYTES / 1e6} MB. It is not one of ours, or it was changed.`;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
