// All lessons, loaded once at startup. Vite inlines every lessons/*.md file as a string, so the
// lesson text is in the bundle and appears without a network round trip.
import DOMPurify from 'dompurify';
import { parseLessonFiles, type LessonLibrary } from './lessonParser';
import { widgetRegistry } from '../widgets/registry';

const files = import.meta.glob<string>('/lessons/*.md', { query: '?raw', import: 'default', eager: true });

export const lessonLibrary: LessonLibrary = parseLessonFiles(files, {
  sanitize: (html) => DOMPurify.sanitize(html),
  knownWidgets: new Set(widgetRegistry.keys()),
});

for (const error of lessonLibrary.errors) console.error(error);
