// The shape of the compiled lessons the page receives, and the lookups the shell needs. No
// parsing here: lessons are parsed and sanitised at build time (scripts/lessonParser.ts, run by
// scripts/lessonsPlugin.ts), so this module stays free of markdown, YAML and sanitiser code.
import type { ExerciseCheck } from '../shared/exerciseCheck';

export interface Exercise {
  /** Stable id, used as the key in saved progress: changing it resets learners' ticks. */
  id: string;
  /** The exercise as written in the frontmatter (markdown). */
  prompt: string;
  /** `prompt` rendered as inline HTML and sanitised. */
  promptHtml: string;
  /** Present on a self-checking exercise: which figures of which widget tick it. */
  check?: ExerciseCheck;
  /** The frontmatter's `done:` text as inline HTML, sanitised: what a widget shows after "✓ Exercise done: ". */
  doneHtml?: string;
}

export type LessonSegment =
  | { kind: 'html'; html: string }
  | { kind: 'widget'; name: string; props: Record<string, unknown> }
  | { kind: 'exercises' }
  | { kind: 'error'; message: string; source: string };

export interface Lesson {
  slug: string;
  title: string;
  order: number;
  summary: string;
  exercises: Exercise[];
  segments: LessonSegment[];
}

/** A lesson file that could not be parsed: plain data, so it survives the trip from build to page. */
export interface LessonFileError {
  file: string;
  /** Starts with the file name, e.g. `/lessons/04-x.md: "title" is missing from the frontmatter`. */
  message: string;
}

export interface LessonLibrary {
  /** Lessons that parsed, sorted by `order`. */
  lessons: Lesson[];
  /** One error per file that could not be parsed; those files are left out of `lessons`. */
  errors: LessonFileError[];
}

export function findLesson(library: LessonLibrary, slug: string): Lesson | undefined {
  return library.lessons.find((lesson) => lesson.slug === slug);
}

/** The lessons before and after `slug` in course order, for the links at the bottom of a lesson. */
export function neighbours(library: LessonLibrary, slug: string): { previous?: Lesson; next?: Lesson } {
  const index = library.lessons.findIndex((lesson) => lesson.slug === slug);
  if (index === -1) return {};
  return { previous: library.lessons[index - 1], next: library.lessons[index + 1] };
}

/** The self-checking exercises a widget should watch: those whose check names it, or names no widget. */
export function exercisesForWidget(exercises: readonly Exercise[], widgetName: string): Exercise[] {
  return exercises.filter((exercise) => exercise.check && (exercise.check.widget ?? widgetName) === widgetName);
}
