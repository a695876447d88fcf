// All lessons, compiled and sanitised at build time by scripts/lessonsPlugin.ts: the page gets
// ready data and ships no markdown, YAML or sanitiser code.
import library from 'virtual:lessons';
import type { LessonLibrary } from './lessonLibrary';

export const lessonLibrary: LessonLibrary = library;

// The home page lists these as well; the console keeps the full message for lesson authors.
for (const error of lessonLibrary.errors) console.error(`Lesson not loaded: ${error.message}`);
