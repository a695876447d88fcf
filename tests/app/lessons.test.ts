// Every real lesson in lessons/ must parse, name only registered widgets, and use valid fences.
import { describe, expect, it } from 'vitest';
import { parseLessonFiles } from '../../src/app/lessonParser';
import { widgetRegistry } from '../../src/widgets/registry';

// The same glob as src/app/lessons.ts. That module sanitises with DOMPurify, which needs a DOM,
// so here the HTML passes through unchanged; sanitising is covered in lessonParser.test.ts.
const files = import.meta.glob<string>('/lessons/*.md', { query: '?raw', import: 'default', eager: true });
const lessonLibrary = parseLessonFiles(files, {
  sanitize: (html) => html,
  knownWidgets: new Set(widgetRegistry.keys()),
});

describe('the lessons in lessons/', () => {
  it('all parse without errors', () => {
    expect(lessonLibrary.errors.map((e) => e.message)).toEqual([]);
    expect(lessonLibrary.lessons.length).toBeGreaterThan(0);
  });

  it('have no broken widget or exercises blocks', () => {
    for (const lesson of lessonLibrary.lessons) {
      const errors = lesson.segments.filter((segment) => segment.kind === 'error');
      expect(errors, lesson.slug).toEqual([]);
    }
  });

  it('starts with lesson 1, the digit classifier with its trainer widget', () => {
    const [first] = lessonLibrary.lessons;
    expect(first).toMatchObject({ slug: '01-train-a-digit-classifier', title: 'Your first digit classifier', order: 1 });
    expect(first.segments).toContainEqual({ kind: 'widget', name: 'mnist-trainer', props: { model: 'cnn', epochs: 3 } });
  });
});
