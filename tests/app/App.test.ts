// Server-renders the shell for each kind of route: a smoke test that the components fit together
// and that a broken address shows a message instead of crashing. No browser needed.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import App from '../../src/app/App.svelte';
import { parseLessonFiles } from '../../scripts/lessonParser';
import { ProgressStore } from '../../src/app/progress.svelte';
import { Router } from '../../src/app/Router.svelte';
import { ThemeState } from '../../src/app/ThemeState.svelte';
import { reservedHeight } from '../../src/app/widgetNames';

const lesson = (title: string, order: number, body: string) =>
  `---\ntitle: ${title}\norder: ${order}\nsummary: About ${title}.\nexercises:\n  - id: try-it\n    prompt: Try **it**.\n---\n${body}`;

const library = parseLessonFiles(
  {
    '/lessons/01-first.md': lesson('First', 1, 'Hello.\n\n```widget\nname: mnist-trainer\nepochs: 3\n```\n\n```widget\nname: nope\n```'),
    '/lessons/02-second.md': lesson('Second', 2, 'Again.'),
  },
  { sanitize: (html) => html, knownWidgets: new Set(['mnist-trainer']) },
);

function renderAt(hash: string, progress = new ProgressStore(null)) {
  const router = new Router({ location: { hash }, addEventListener() {}, removeEventListener() {} });
  return render(App, { props: { library, progress, router, theme: new ThemeState({ dataset: {} } as HTMLElement, null, null) } }).body;
}

describe('App', () => {
  it('lists the lessons on the home page with progress markers', () => {
    const html = renderAt('#/');
    expect(html).toContain('Gradient Lab');
    expect(html).toContain('href="#/lesson/01-first"');
    expect(html).toContain('About Second.');
    expect(html).toContain('Not started');
    expect(html).toContain('0 of 1 exercises');
  });

  it('counts each lesson’s ticked exercises on the home page, and says Done when all are ticked', () => {
    const progress = new ProgressStore(null);
    progress.markVisited('01-first');
    expect(renderAt('#/', progress)).toMatch(/Started(<!--[^>]*-->)?<span[^>]*>· 0 of 1 exercises/);
    progress.markExerciseDone('01-first', 'try-it');
    expect(renderAt('#/', progress)).toMatch(/Done(<!--[^>]*-->)?<span[^>]*>· 1 of 1 exercises/);
  });

  it('renders a lesson with its text, a loading widget, an error box and the next link', () => {
    const html = renderAt('#/lesson/01-first');
    expect(html).toContain('<h1>First</h1>');
    expect(html).toContain('<p>Hello.</p>');
    expect(html).toContain('Loading…');
    // The loading box keeps the trainer's height, so the text below does not jump when it loads.
    const { wide, narrow } = reservedHeight('mnist-trainer', {})!;
    expect(html).toContain(`style="--reserved-wide: ${wide}px; --reserved-narrow: ${narrow}px;"`);
    expect(html).toContain('Unknown widget "nope". Known widgets: mnist-trainer.');
    expect(html).toContain('Try <strong>it</strong>.');
    expect(html).toContain('href="#/lesson/02-second"');
  });

  it.each(['#/lesson/missing', '#/nonsense', '#/lesson/%E0%A4%A'])('shows "lesson not found" for %s', (hash) => {
    const html = renderAt(hash);
    expect(html).toContain('Lesson not found');
    expect(html).toContain('href="#/"');
  });

  it('shows the storage notice', () => {
    expect(renderAt('#/')).toContain('does not let Gradient Lab save your progress');
  });
});
