// All lessons, compiled and sanitised at build time by scripts/lessonsPlugin.ts: the page gets
// ready data and ships no markdown, YAML or sanitiser code. The index comes with the page; each
// lesson's body is loaded (from the app itself, or its offline cache) when the lesson opens.
import library, { bodies } from 'virtual:lessons';
import type { LessonLibrary, LessonSegment } from './lessonLibrary';

export const lessonLibrary: LessonLibrary = library;

/** The text and widgets of lesson `slug`. */
export async function lessonBody(slug: string): Promise<LessonSegment[]> {
  const load = Object.hasOwn(bodies, slug) ? bodies[slug] : undefined;
  if (!load) throw new Error(`There is no lesson "${slug}".`);
  return (await load()).default;
}

// The home page lists these as well; the console keeps the full message for lesson authors.
for (const error of lessonLibrary.errors) console.error(`Lesson not loaded: ${error.message}`);
