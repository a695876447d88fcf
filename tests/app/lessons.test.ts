// Every real lesson in lessons/, as the page receives it from virtual:lessons (compiled and
// sanitised by scripts/lessonsPlugin.ts): it must parse, name only registered widgets, and use
// valid fences.
import lessonLibrary from 'virtual:lessons';
import { describe, expect, it } from 'vitest';

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
    expect(first).toMatchObject({
      slug: '01-train-a-digit-classifier',
      title: 'Your first digit classifier',
      order: 1,
    });
    expect(first.segments).toContainEqual({
      kind: 'widget',
      name: 'mnist-trainer',
      props: { model: 'cnn', epochs: 3 },
    });
  });
});
