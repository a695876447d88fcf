// Compiles lessons/*.md at build time into the module `virtual:lessons`, whose default export is
// the ready LessonLibrary as plain JSON data. The page then ships no YAML, markdown or sanitiser
// code. In dev, adding, editing or removing a lesson reloads the page with the new text.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import createDOMPurify, { type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';
import type { Plugin } from 'vite';
import type { LessonLibrary } from '../src/app/lessonLibrary.ts';
import { parseLessonFiles } from './lessonParser.ts';
import { widgetNames } from '../src/app/widgetNames.ts';

export const LESSONS_MODULE = 'virtual:lessons';
const RESOLVED_ID = `\0${LESSONS_MODULE}`;

let purifier: ReturnType<typeof createDOMPurify> | undefined;

/**
 * DOMPurify with jsdom's DOM, the pairing DOMPurify documents for Node: the same allowlist the
 * page used when it sanitised in the browser, so lessons render exactly as before.
 */
export function sanitizeHtml(html: string): string {
  purifier ??= createDOMPurify(new JSDOM('').window as unknown as WindowLike);
  return purifier.sanitize(html);
}

/** Parses and sanitises lesson files given as `{ '/lessons/01-x.md': text }`. */
export function compileLessons(files: Record<string, string>): LessonLibrary {
  return parseLessonFiles(files, { sanitize: sanitizeHtml, knownWidgets: widgetNames });
}

/** Reads every `*.md` in `dir`, keyed as `/lessons/<file>` (the path lesson errors name). */
export function readLessonFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.md'))
    .sort()) {
    files[`/${path.basename(dir)}/${name}`] = readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}

export function lessonsPlugin(options: { dir?: string } = {}): Plugin {
  let lessonsDir = '';
  let building = false;
  /** The lessons as compiled for the index, reused by the body modules (compiled once per build or edit). */
  let compiled: LessonLibrary | null = null;
  const isLesson = (file: string) => path.dirname(path.resolve(file)) === lessonsDir && file.endsWith('.md');

  return {
    name: 'gradient-lab:lessons',
    buildStart() {
      compiled = null;
    },
    configResolved(config) {
      lessonsDir = path.resolve(config.root, options.dir ?? 'lessons');
      building = config.command === 'build';
    },
    resolveId(id) {
      return id === LESSONS_MODULE || id.startsWith(`${LESSONS_MODULE}/`) ? `\0${id}` : undefined;
    },
    load(id) {
      // One lesson's body (`virtual:lessons/<slug>`): its own small chunk, loaded when the lesson opens.
      if (id.startsWith(`${RESOLVED_ID}/`)) {
        const slug = id.slice(RESOLVED_ID.length + 1);
        compiled ??= compileLessons(readLessonFiles(lessonsDir));
        const lesson = compiled.lessons.find((l) => l.slug === slug);
        return `export default JSON.parse(${JSON.stringify(JSON.stringify(lesson?.segments ?? []))});`;
      }
      if (id !== RESOLVED_ID) return undefined;
      const files = readLessonFiles(lessonsDir);
      // `vite build --watch` rebuilds on these; the dev server uses hotUpdate below.
      if (building && this.meta.watchMode) {
        this.addWatchFile(lessonsDir);
        for (const file of Object.keys(files)) this.addWatchFile(path.join(lessonsDir, path.basename(file)));
      }
      const library = compileLessons(files);
      compiled = library;
      // The page shows these too (home page, console); here they reach the author's terminal.
      for (const error of library.errors) this.warn(error.message);
      // The index (titles, summaries, exercises) ships with the page; each lesson's body is a chunk
      // of its own, so twelve lessons of text do not weigh on the first load.
      const index = { ...library, lessons: library.lessons.map((lesson) => ({ ...lesson, segments: [] })) };
      const bodies = library.lessons.map((lesson) => `${JSON.stringify(lesson.slug)}: () => import(${JSON.stringify(`${LESSONS_MODULE}/${lesson.slug}`)})`);
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(index))});\nexport const bodies = {${bodies.join(', ')}};`;
    },
    hotUpdate({ file }) {
      if (!isLesson(file)) return undefined;
      compiled = null;
      for (const module of this.environment.moduleGraph.idToModuleMap.values()) {
        if (module.id?.startsWith(RESOLVED_ID)) this.environment.moduleGraph.invalidateModule(module);
      }
      this.environment.hot.send({ type: 'full-reload' });
      return [];
    },
  };
}
