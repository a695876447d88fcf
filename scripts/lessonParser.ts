// Turns a lesson's markdown file into data the lesson page can render. Runs at build time
// (scripts/lessonsPlugin.ts) and in Node tests; pure and DOM-free, so sanitising HTML, the one
// step that needs a DOM, is passed in as a function.
import { Marked, type Token, type Tokens } from 'marked';
import { parse as parseYaml } from 'yaml';
// Explicit .ts extensions: this module is also loaded with vite.config.ts, where Vite's coming
// native config loader (Node's own TypeScript support) resolves no extensionless paths.
import { parseCheck, type ExerciseCheck } from '../src/shared/exerciseCheck.ts';
import type { Exercise, Lesson, LessonFileError, LessonLibrary, LessonSegment } from '../src/app/lessonLibrary.ts';

export type { Exercise, Lesson, LessonFileError, LessonLibrary, LessonSegment } from '../src/app/lessonLibrary.ts';

export interface LessonParseOptions {
  /** Cleans untrusted HTML (DOMPurify at build time). Applied to every piece of HTML produced. */
  sanitize: (html: string) => string;
  /** Widget names that exist; a widget block naming anything else becomes an error segment. */
  knownWidgets?: ReadonlySet<string>;
}

export class LessonParseError extends Error {
  override name = 'LessonParseError';
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

/** Fenced code blocks with this language hold a widget described in YAML. */
export const WIDGET_FENCE = 'widget';
/** A fenced block with this language (and no body) marks where the exercise checklist goes. */
export const EXERCISES_FENCE = 'exercises';
/** Fenced blocks with this language hold a code cell: a YAML header, a line "---", the starting code. */
export const CODE_FENCE = 'code';
/** The widget a code fence becomes. */
export const CODE_CELL_WIDGET = 'code-cell';
/** Where a code cell's code comes from: nothing, the digits file, or a generated line. */
export const CODE_CELL_DATA = ['none', 'digits', 'line'] as const;
/** Longest run a lesson may give a code cell, in seconds. */
export const MAX_CELL_TIME_LIMIT = 600;

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const EXERCISE_ID_PATTERN = SLUG_PATTERN;
const FRONTMATTER_PATTERN = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const FRONTMATTER_KEYS = new Set(['title', 'order', 'summary', 'exercises']);

/** `lessons/01-train-a-digit-classifier.md` → `01-train-a-digit-classifier`. */
export function slugFromPath(path: string): string {
  const fileName = path.split(/[\\/]/).pop() ?? '';
  const slug = fileName.replace(/\.md$/i, '');
  if (!SLUG_PATTERN.test(slug)) {
    throw new LessonParseError(
      path,
      `the file name must be lowercase words and digits joined by dashes, ending in .md (e.g. 01-my-lesson.md), got "${fileName}"`,
    );
  }
  return slug;
}

/** Splits `---\n yaml \n---\n body` into the parsed YAML and the markdown body. */
export function splitFrontmatter(file: string, raw: string): { frontmatter: unknown; body: string } {
  const match = FRONTMATTER_PATTERN.exec(raw);
  if (!match) {
    throw new LessonParseError(file, 'a lesson must start with YAML frontmatter between two "---" lines');
  }
  let frontmatter: unknown;
  try {
    frontmatter = parseYaml(match[1]);
  } catch (error) {
    throw new LessonParseError(file, `the frontmatter is not valid YAML: ${messageOf(error)}`);
  }
  return { frontmatter, body: raw.slice(match[0].length) };
}

export function parseLesson(path: string, raw: string, options: LessonParseOptions): Lesson {
  const slug = slugFromPath(path);
  const { frontmatter, body } = splitFrontmatter(path, raw);
  const meta = validateFrontmatter(path, frontmatter);
  // A fresh instance per lesson: never touch marked's global defaults.
  const markdown = new Marked({ gfm: true, async: false });
  const inlineHtml = (text: string) => options.sanitize(markdown.parseInline(text, { async: false }));
  const exercises = meta.exercises.map(({ done, ...exercise }): Exercise => ({
    ...exercise,
    promptHtml: inlineHtml(exercise.prompt),
    ...(done !== undefined && { doneHtml: inlineHtml(done) }),
  }));
  const segments = splitBody(body, markdown, options);
  checkExerciseWidgets(path, meta.exercises, segments);
  if (exercises.length > 0 && !segments.some((segment) => segment.kind === 'exercises')) {
    segments.push({ kind: 'exercises' });
  }
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'exercises' && exercises.length === 0) {
      segments[index] = {
        kind: 'error',
        message: `This lesson has an "${EXERCISES_FENCE}" block but no exercises in its frontmatter.`,
        source: '',
      };
    }
  }
  return { slug, title: meta.title, order: meta.order, summary: meta.summary, exercises, segments };
}

/** Parses every lesson file; a broken file becomes an entry in `errors` instead of stopping the rest. */
export function parseLessonFiles(files: Record<string, string>, options: LessonParseOptions): LessonLibrary {
  const lessons: Lesson[] = [];
  const errors: LessonFileError[] = [];
  for (const [path, raw] of Object.entries(files)) {
    try {
      lessons.push(parseLesson(path, raw, options));
    } catch (error) {
      const failure = error instanceof LessonParseError ? error : new LessonParseError(path, messageOf(error));
      errors.push({ file: failure.file, message: failure.message });
    }
  }
  lessons.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  for (let i = 1; i < lessons.length; i++) {
    if (lessons[i].order === lessons[i - 1].order) {
      const { message, file } = new LessonParseError(
        lessons[i].slug,
        `has the same order (${lessons[i].order}) as ${lessons[i - 1].slug}; each lesson needs its own`,
      );
      errors.push({ file, message });
    }
  }
  return { lessons, errors };
}

/** An exercise as the frontmatter gives it, before its markdown is rendered. */
interface ExerciseSource {
  id: string;
  prompt: string;
  check?: ExerciseCheck;
  done?: string;
}

interface LessonMeta {
  title: string;
  order: number;
  summary: string;
  exercises: ExerciseSource[];
}

const EXERCISE_KEYS = new Set(['id', 'prompt', 'check', 'done']);

function validateFrontmatter(file: string, data: unknown): LessonMeta {
  if (!isPlainObject(data)) {
    throw new LessonParseError(file, 'the frontmatter must be a YAML mapping (key: value lines)');
  }
  const unknownKeys = Object.keys(data).filter((key) => !FRONTMATTER_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new LessonParseError(
      file,
      `unknown frontmatter field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}; allowed: ${[...FRONTMATTER_KEYS].join(', ')}`,
    );
  }
  const title = requireText(file, data, 'title');
  const summary = requireText(file, data, 'summary');
  const order = data.order;
  if (order === undefined) throw new LessonParseError(file, '"order" is missing: add e.g. "order: 1"');
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) {
    throw new LessonParseError(file, `"order" must be a whole number ≥ 0, got ${JSON.stringify(order)}`);
  }
  return { title, order, summary, exercises: validateExercises(file, data.exercises) };
}

function requireText(file: string, data: Record<string, unknown>, key: string): string {
  const value = data[key];
  if (value === undefined || value === null) {
    throw new LessonParseError(file, `"${key}" is missing from the frontmatter`);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new LessonParseError(file, `"${key}" must be non-empty text, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function validateExercises(file: string, value: unknown): ExerciseSource[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new LessonParseError(file, '"exercises" must be a list of { id, prompt } entries');
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `exercise #${index + 1}`;
    if (!isPlainObject(entry)) throw new LessonParseError(file, `${where} must have "id" and "prompt" fields`);
    const { id, prompt } = entry;
    if (typeof id !== 'string' || !EXERCISE_ID_PATTERN.test(id)) {
      throw new LessonParseError(
        file,
        `${where}: "id" must be lowercase words joined by dashes (e.g. compare-models), got ${JSON.stringify(id)}`,
      );
    }
    if (seen.has(id)) throw new LessonParseError(file, `${where}: the id "${id}" is used twice`);
    seen.add(id);
    const named = `${where} ("${id}")`;
    const unknownKeys = Object.keys(entry).filter((key) => !EXERCISE_KEYS.has(key));
    if (unknownKeys.length > 0) {
      throw new LessonParseError(
        file,
        `${named}: unknown field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}; allowed: ${[...EXERCISE_KEYS].join(', ')}`,
      );
    }
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new LessonParseError(file, `${named}: "prompt" must be non-empty text`);
    }
    const exercise: ExerciseSource = { id, prompt: prompt.trim() };
    if (entry.check !== undefined) {
      try {
        exercise.check = parseCheck(entry.check);
      } catch (error) {
        throw new LessonParseError(file, `${named}: ${messageOf(error)}`);
      }
    }
    if (entry.done !== undefined) {
      if (typeof entry.done !== 'string' || entry.done.trim() === '') {
        throw new LessonParseError(file, `${named}: "done" must be non-empty text`);
      }
      if (!exercise.check) {
        throw new LessonParseError(file, `${named}: "done" is shown when a check is met, so it needs a "check"`);
      }
      exercise.done = entry.done.trim();
    }
    return exercise;
  });
}

/** A check must read a widget the lesson embeds, or it could never tick. */
function checkExerciseWidgets(
  file: string,
  exercises: readonly ExerciseSource[],
  segments: readonly LessonSegment[],
): void {
  const embedded = new Set(segments.flatMap((segment) => (segment.kind === 'widget' ? [segment.name] : [])));
  const cells = new Set(
    segments.flatMap((segment) => (segment.kind === 'widget' && segment.name === CODE_CELL_WIDGET ? [String(segment.props.id)] : [])),
  );
  for (const [index, { id, check }] of exercises.entries()) {
    if (!check) continue;
    const named = `exercise #${index + 1} ("${id}")`;
    if (check.widget !== undefined && !embedded.has(check.widget)) {
      const found = [...embedded].join(', ') || 'none';
      throw new LessonParseError(
        file,
        `${named}: "check.widget" is "${check.widget}", but this lesson embeds no such widget (embedded: ${found})`,
      );
    }
    const cell = check.when.cell;
    if (check.widget === CODE_CELL_WIDGET && typeof cell === 'string' && !cells.has(cell)) {
      const found = [...cells].join(', ') || 'none';
      throw new LessonParseError(file, `${named}: "check.when.cell" is "${cell}", but this lesson has no code cell with that id (cells: ${found})`);
    }
    if (embedded.size === 0) {
      throw new LessonParseError(file, `${named}: has a "check", but the lesson embeds no widget that could meet it`);
    }
  }
}

/** Cuts the markdown at top-level widget/code/exercises fences; everything in between becomes HTML. */
function splitBody(body: string, markdown: Marked, options: LessonParseOptions): LessonSegment[] {
  const segments: LessonSegment[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (pending.some((token) => token.type !== 'space')) {
      segments.push({ kind: 'html', html: options.sanitize(markdown.parser(pending)) });
    }
    pending = [];
  };
  const cellIds = new Set<string>();
  for (const token of markdown.lexer(body)) {
    const fence = token.type === 'code' ? fenceLanguage(token as Tokens.Code) : '';
    if (fence === WIDGET_FENCE) {
      flush();
      segments.push(parseWidgetBlock((token as Tokens.Code).text, options.knownWidgets));
    } else if (fence === CODE_FENCE) {
      flush();
      const source = (token as Tokens.Code).text;
      const segment = parseCodeBlock(source, options.knownWidgets);
      if (segment.kind === 'widget') {
        const id = String(segment.props.id);
        if (cellIds.has(id)) {
          segments.push({ kind: 'error', message: `Another code cell of this lesson has the id "${id}": each cell needs its own.`, source });
          continue;
        }
        cellIds.add(id);
      }
      segments.push(segment);
    } else if (fence === EXERCISES_FENCE) {
      flush();
      const repeated = segments.some((segment) => segment.kind === 'exercises');
      segments.push(
        repeated
          ? { kind: 'error', message: 'Only one exercises block is allowed per lesson.', source: '' }
          : { kind: 'exercises' },
      );
    } else {
      pending.push(token);
    }
  }
  flush();
  return segments;
}

function fenceLanguage(token: Tokens.Code): string {
  if (token.codeBlockStyle === 'indented') return '';
  return (token.lang ?? '').trim().split(/\s+/)[0].toLowerCase();
}

/** Exported for tests: the YAML body of a widget fence → a widget segment or a visible error. */
export function parseWidgetBlock(source: string, knownWidgets?: ReadonlySet<string>): LessonSegment {
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (error) {
    return { kind: 'error', message: `This widget block is not valid YAML: ${messageOf(error)}`, source };
  }
  if (!isPlainObject(data)) {
    return { kind: 'error', message: 'A widget block must be YAML "key: value" lines, starting with "name:".', source };
  }
  const { name, ...props } = data;
  if (typeof name !== 'string' || name.trim() === '') {
    return { kind: 'error', message: 'A widget block needs a "name:" line, e.g. "name: mnist-trainer".', source };
  }
  if (Object.hasOwn(props, 'exercises')) {
    return {
      kind: 'error',
      message: 'A widget block cannot list exercises: give each exercise a "check:" in the frontmatter instead.',
      source,
    };
  }
  if (knownWidgets && !knownWidgets.has(name)) {
    const known = [...knownWidgets].sort().join(', ') || 'none';
    return { kind: 'error', message: `Unknown widget "${name}". Known widgets: ${known}.`, source };
  }
  return { kind: 'widget', name, props };
}

const CODE_KEYS = ['id', 'title', 'timeLimit', 'data', 'settings'];
const CODE_EXAMPLE = 'e.g.\n  id: update-step\n  title: The update step, by hand\n  ---\n  let w = 0;';

/**
 * Exported for tests: the body of a code fence (a YAML header, a line "---", the starting code,
 * kept verbatim) → a code-cell widget segment or a visible error.
 */
export function parseCodeBlock(source: string, knownWidgets?: ReadonlySet<string>): LessonSegment {
  const error = (message: string): LessonSegment => ({ kind: 'error', message, source });
  const separator = /^---[ \t]*$/m.exec(source);
  if (!separator) {
    return error(`A code block needs a YAML header, a line "---", then the cell's starting code, ${CODE_EXAMPLE}`);
  }
  let header: unknown;
  try {
    header = parseYaml(source.slice(0, separator.index));
  } catch (yamlError) {
    return error(`This code block's header (above "---") is not valid YAML: ${messageOf(yamlError)}`);
  }
  if (header === null || header === undefined) header = {};
  if (!isPlainObject(header)) return error(`A code block's header (above "---") must be YAML "key: value" lines, ${CODE_EXAMPLE}`);
  const unknownKeys = Object.keys(header).filter((key) => !CODE_KEYS.includes(key));
  if (unknownKeys.length > 0) {
    return error(`This code block has unknown field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}; allowed: ${CODE_KEYS.join(', ')}.`);
  }
  const { id, title, timeLimit, data, settings } = header;
  if (typeof id !== 'string' || !SLUG_PATTERN.test(id)) {
    return error(`A code block needs an "id:", lowercase words joined by dashes (e.g. update-step), got ${JSON.stringify(id)}.`);
  }
  if (typeof title !== 'string' || title.trim() === '') {
    return error(`Code cell "${id}" needs a "title:" (non-empty text), got ${JSON.stringify(title)}.`);
  }
  // The code starts on the line after "---"; only the newlines that end the block are dropped.
  const afterSeparator = source.slice(separator.index + separator[0].length);
  const code = afterSeparator.replace(/^\r?\n/, '').replace(/(?:\r?\n)+$/, '');
  const props: Record<string, unknown> = { id, title: title.trim(), code };
  if (timeLimit !== undefined) {
    if (typeof timeLimit !== 'number' || !Number.isInteger(timeLimit) || timeLimit < 1 || timeLimit > MAX_CELL_TIME_LIMIT) {
      return error(`Code cell "${id}": "timeLimit" must be a whole number of seconds from 1 to ${MAX_CELL_TIME_LIMIT}, got ${JSON.stringify(timeLimit)}.`);
    }
    props.timeLimit = timeLimit;
  }
  if (data !== undefined) {
    if (typeof data !== 'string' || !(CODE_CELL_DATA as readonly string[]).includes(data)) {
      return error(`Code cell "${id}": "data" must be one of ${CODE_CELL_DATA.join(', ')}, got ${JSON.stringify(data)}.`);
    }
    props.data = data;
  }
  if (settings !== undefined) {
    const plain = (value: unknown) => typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!isPlainObject(settings) || !Object.values(settings).every(plain)) {
      return error(`Code cell "${id}": "settings" must be "name: value" lines of numbers, text or true/false (nothing nested), e.g. settings: { learningRate: 0.1, epochs: 20 }.`);
    }
    props.settings = settings;
  }
  if (knownWidgets && !knownWidgets.has(CODE_CELL_WIDGET)) {
    return error(`Code cells need the "${CODE_CELL_WIDGET}" widget, which this build does not have.`);
  }
  return { kind: 'widget', name: CODE_CELL_WIDGET, props };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
