// The build-time lesson compiler: real sanitising (DOMPurify on jsdom) and the module it generates.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLessons, lessonsPlugin, readLessonFiles, sanitizeHtml } from '../../scripts/lessonsPlugin';
import type { LessonSegment } from '../../src/app/lessonLibrary';
import { widgetNames } from '../../src/app/widgetNames';

const frontmatter = (extra = '') => `---\ntitle: Hostile\norder: 1\nsummary: Tries every trick.\n${extra}---\n`;

/** Every piece of HTML a compiled lesson hands the page. */
function allHtml(files: Record<string, string>): string {
  const { lessons, errors } = compileLessons(files);
  expect(errors).toEqual([]);
  return lessons
    .flatMap((lesson) => [
      ...lesson.segments.flatMap((segment: LessonSegment) => (segment.kind === 'html' ? [segment.html] : [])),
      ...lesson.exercises.flatMap((exercise) => [exercise.promptHtml, exercise.doneHtml ?? '']),
    ])
    .join('\n');
}

describe('lessons compiled at build time keep hostile HTML inert', () => {
  const placements: [string, string][] = [
    ['a script tag in the text', 'Hello <script>alert("x")</script> world.'],
    ['a script block', '<script>\nalert(2)\n</script>\n\nEnd.'],
    ['an onerror attribute', 'Look: <img src="x" onerror="alert(1)"> here.'],
    ['an onclick in a block of HTML', '<div onclick="alert(1)">Click</div>'],
    ['a javascript: link in markdown', 'Read [this](javascript:alert(1)) now.'],
    ['a javascript: link in HTML', '<a href="JaVaScRiPt:alert(1)">this</a>'],
    [
      'an svg with a script',
      '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    ],
    ['an iframe', '<iframe src="javascript:alert(1)"></iframe>'],
  ];

  it.each(placements)('in the body: %s', (_, body) => {
    const html = allHtml({ '/lessons/01-hostile.md': `${frontmatter()}\nBefore.\n\n${body}\n\nAfter.` });
    expect(html).not.toMatch(/<script|<iframe|\bon\w+=|javascript:/i);
    expect(html).toContain('Before.');
    expect(html).toContain('After.');
  });

  it.each(placements)('in an exercise prompt and its done text: %s', (_, text) => {
    const exercise = `exercises:\n  - id: a\n    prompt: ${JSON.stringify(`Try ${text}`)}\n    check: { when: { x: 1 } }\n    done: ${JSON.stringify(`Done ${text}`)}\n`;
    const html = allHtml({
      '/lessons/01-hostile.md': `${frontmatter(exercise)}\n\`\`\`widget\nname: mnist-trainer\n\`\`\`\n`,
    });
    expect(html).toContain('Try');
    expect(html).toContain('Done');
    expect(html).not.toMatch(/<script|<iframe|\bon\w+=|javascript:/i);
  });

  it('strips only the dangerous part of an element', () => {
    expect(sanitizeHtml('<img src="x.png" alt="a digit" onerror="alert(1)">')).toBe('<img src="x.png" alt="a digit">');
    expect(sanitizeHtml('<a href="javascript:alert(1)" title="t">x</a>')).toBe('<a title="t">x</a>');
  });

  it('keeps the markup lessons use', () => {
    const markdown =
      '## Heading\n\n**bold**, *em*, `code`, [a link](#/lesson/02-x), x₁².\n\n- item\n\n```js\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |';
    const rendered = allHtml({ '/lessons/01-fine.md': `${frontmatter()}\n${markdown}\n` });
    for (const part of [
      '<h2>Heading</h2>',
      '<strong>bold</strong>',
      '<em>em</em>',
      '<code>code</code>',
      '<a href="#/lesson/02-x">a link</a>',
      '<li>item</li>',
      '<code class="language-js">',
      '<table>',
      'x₁²',
    ]) {
      expect(rendered).toContain(part);
    }
  });
});

describe('compileLessons', () => {
  it('reports a broken lesson as plain data naming the file, and keeps the others', () => {
    const library = compileLessons({
      '/lessons/01-fine.md': `${frontmatter()}Text.`,
      '/lessons/02-broken.md': '---\norder: 2\nsummary: no title\n---\nText.',
    });
    expect(library.lessons.map((lesson) => lesson.slug)).toEqual(['01-fine']);
    expect(library.errors).toEqual([
      { file: '/lessons/02-broken.md', message: '/lessons/02-broken.md: "title" is missing from the frontmatter' },
    ]);
  });

  it('turns an unknown widget name into an error segment listing the known widgets', () => {
    const { lessons } = compileLessons({ '/lessons/01-fine.md': `${frontmatter()}\`\`\`widget\nname: nope\n\`\`\`\n` });
    expect(lessons[0].segments).toEqual([
      {
        kind: 'error',
        // Every registered widget, sorted (each new lesson adds its own).
        message: `Unknown widget "nope". Known widgets: ${[...widgetNames].sort().join(', ')}.`,
        source: 'name: nope',
      },
    ]);
  });
});

describe('lessonsPlugin', () => {
  it('serves virtual:lessons as the compiled library, in JSON', async () => {
    const plugin = lessonsPlugin();
    const root = path.resolve(import.meta.dirname, '../..');
    (plugin.configResolved as (config: unknown) => void)({ root, command: 'serve' });
    expect((plugin.resolveId as (id: string) => unknown)('virtual:lessons')).toBe('\0virtual:lessons');
    const warnings: string[] = [];
    const context = { meta: { watchMode: false }, warn: (message: string) => warnings.push(message) };
    const code = (plugin.load as (this: unknown, id: string) => string).call(context, '\0virtual:lessons');
    const exported = JSON.parse(JSON.parse(/^export default JSON\.parse\((.*)\);$/m.exec(code)![1]));
    const library = compileLessons(readLessonFiles(path.join(root, 'lessons')));
    // The index carries everything but the bodies; each body is its own module.
    expect(exported).toEqual({ ...library, lessons: library.lessons.map((lesson) => ({ ...lesson, segments: [] })) });
    for (const lesson of library.lessons) {
      expect(code).toContain(`import("virtual:lessons/${lesson.slug}")`);
      const id = (plugin.resolveId as (id: string) => string)(`virtual:lessons/${lesson.slug}`);
      const body = (plugin.load as (this: unknown, id: string) => string).call(context, id);
      expect(JSON.parse(JSON.parse(/^export default JSON\.parse\((.*)\);$/.exec(body)![1]))).toEqual(lesson.segments);
    }
    expect(warnings).toEqual([]);
  });
});
