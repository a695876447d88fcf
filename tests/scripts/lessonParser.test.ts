import { describe, expect, it } from 'vitest';
import { exercisesForWidget, findLesson, neighbours, type Exercise } from '../../src/app/lessonLibrary';
import {
  LessonParseError,
  parseLesson,
  parseLessonFiles,
  parseCodeBlock,
  parseWidgetBlock,
  slugFromPath,
  type LessonSegment,
} from '../../scripts/lessonParser';

const identity = (html: string) => html;
const options = { sanitize: identity, knownWidgets: new Set(['mnist-trainer']) };

function lessonFile(frontmatter: string, body = 'Some text.'): string {
  return `---\n${frontmatter}\n---\n${body}`;
}

const basicFrontmatter = 'title: Hello\norder: 3\nsummary: A short lesson.';

describe('slugFromPath', () => {
  it('takes the file name without .md', () => {
    expect(slugFromPath('/lessons/01-train-a-digit-classifier.md')).toBe('01-train-a-digit-classifier');
  });

  it('rejects names that would make bad URLs', () => {
    expect(() => slugFromPath('/lessons/My Lesson.md')).toThrow(LessonParseError);
  });
});

describe('parseLesson frontmatter', () => {
  it('reads title, order, summary and exercises', () => {
    const raw = lessonFile(
      `${basicFrontmatter}\nexercises:\n  - id: try-mlp\n    prompt: Train the **MLP**.\n  - id: look\n    prompt: Look.`,
    );
    const lesson = parseLesson('/lessons/03-hello.md', raw, options);
    expect(lesson).toMatchObject({ slug: '03-hello', title: 'Hello', order: 3, summary: 'A short lesson.' });
    expect(lesson.exercises.map((e) => e.id)).toEqual(['try-mlp', 'look']);
    expect(lesson.exercises[0].promptHtml).toBe('Train the <strong>MLP</strong>.');
  });

  it('treats exercises as optional', () => {
    const lesson = parseLesson('/lessons/03-hello.md', lessonFile(basicFrontmatter), options);
    expect(lesson.exercises).toEqual([]);
    expect(lesson.segments.some((s) => s.kind === 'exercises')).toBe(false);
  });

  it('names the file and the field when the title is missing', () => {
    const raw = lessonFile('order: 1\nsummary: x');
    expect(() => parseLesson('/lessons/01-x.md', raw, options)).toThrow(/01-x\.md: "title" is missing/);
  });

  it('rejects a file without frontmatter', () => {
    expect(() => parseLesson('/lessons/01-x.md', '# Just markdown', options)).toThrow(
      /must start with YAML frontmatter/,
    );
  });

  it('rejects frontmatter that is not valid YAML', () => {
    expect(() => parseLesson('/lessons/01-x.md', lessonFile('title: [unclosed'), options)).toThrow(/not valid YAML/);
  });

  it.each([
    ['order: one', /"order" must be a whole number/],
    ['order: 1.5', /"order" must be a whole number/],
    ['title: ""', /"title" must be non-empty text/],
    ['tilte: typo', /unknown frontmatter field\(s\) "tilte"/],
    ['exercises: not-a-list', /"exercises" must be a list/],
    ['exercises:\n  - id: Bad Id\n    prompt: x', /exercise #1: "id" must be/],
    ['exercises:\n  - id: a\n    prompt: x\n  - id: a\n    prompt: y', /the id "a" is used twice/],
    ['exercises:\n  - id: a', /exercise #1 \("a"\): "prompt" must be non-empty/],
  ])('rejects %j with a clear message', (override, message) => {
    const key = override.split(':')[0];
    const fields = basicFrontmatter
      .split('\n')
      .filter((line) => !line.startsWith(`${key}:`))
      .concat(override);
    expect(() => parseLesson('/lessons/01-x.md', lessonFile(fields.join('\n')), options)).toThrow(message);
  });

  it('tolerates Windows line endings', () => {
    const raw = lessonFile(basicFrontmatter, 'Text.').replace(/\n/g, '\r\n');
    expect(parseLesson('/lessons/03-hello.md', raw, options).title).toBe('Hello');
  });
});

describe('self-checking exercises', () => {
  const widgetBody = '```widget\nname: mnist-trainer\n```';
  const withExercise = (entry: string, body = widgetBody) =>
    lessonFile(`${basicFrontmatter}\nexercises:\n  - id: small-sine\n    prompt: Fit it.\n${entry}`, body);

  it('reads a check and renders the done text as sanitised inline HTML', () => {
    const raw = withExercise(
      '    check: { widget: mnist-trainer, when: { dataset: sine, valLoss: { below: 0.02 } } }\n    done: validation loss under **0.02**.',
    );
    const [exercise] = parseLesson('/lessons/03-hello.md', raw, options).exercises;
    expect(exercise).toEqual({
      id: 'small-sine',
      prompt: 'Fit it.',
      promptHtml: 'Fit it.',
      check: { widget: 'mnist-trainer', when: { dataset: 'sine', valLoss: { below: 0.02 } } },
      doneHtml: 'validation loss under <strong>0.02</strong>.',
    });
  });

  it('allows a check without a widget or a done text', () => {
    const [exercise] = parseLesson(
      '/lessons/03-hello.md',
      withExercise('    check: { when: { converged: true } }'),
      options,
    ).exercises;
    expect(exercise.check).toEqual({ when: { converged: true } });
    expect(exercise).not.toHaveProperty('doneHtml');
  });

  it('leaves check and doneHtml out of an exercise the learner ticks by hand', () => {
    const [exercise] = parseLesson('/lessons/03-hello.md', withExercise(''), options).exercises;
    expect(Object.keys(exercise).sort()).toEqual(['id', 'prompt', 'promptHtml']);
  });

  it.each([
    [
      '    check: { when: { valLoss: { belw: 0.1 } } }',
      /03-x\.md: exercise #1 \("small-sine"\): "check.when.valLoss" has unknown bound\(s\) "belw"/,
    ],
    ['    check: valLoss below 0.1', /03-x\.md: exercise #1 \("small-sine"\): "check" must be a mapping/],
    [
      '    check: { when: { x: 1 } }\n    done: ""',
      /03-x\.md: exercise #1 \("small-sine"\): "done" must be non-empty text/,
    ],
    [
      '    done: Well done.',
      /03-x\.md: exercise #1 \("small-sine"\): "done" is shown when a check is met, so it needs a "check"/,
    ],
    ['    chek: { when: { x: 1 } }', /03-x\.md: exercise #1 \("small-sine"\): unknown field\(s\) "chek"/],
    [
      '    check: { widget: curve-fitter, when: { x: 1 } }',
      /03-x\.md: exercise #1 \("small-sine"\): "check.widget" is "curve-fitter", but this lesson embeds no such widget \(embedded: mnist-trainer\)/,
    ],
  ])('rejects %j, naming the lesson file and the exercise', (entry, message) => {
    expect(() => parseLesson('/lessons/03-x.md', withExercise(entry), options)).toThrow(message);
  });

  it('rejects a check in a lesson without widgets', () => {
    const raw = withExercise('    check: { when: { x: 1 } }', 'Only text.');
    expect(() => parseLesson('/lessons/03-x.md', raw, options)).toThrow(
      /03-x\.md: exercise #1 \("small-sine"\): has a "check", but the lesson embeds no widget/,
    );
  });

  it('turns the old exercises mapping in a widget block into an error segment pointing to the frontmatter', () => {
    const segment = parseWidgetBlock(
      'name: mnist-trainer\nexercises:\n  handMseExercise: hand-fit',
      options.knownWidgets,
    );
    expect(segment).toMatchObject({ kind: 'error', message: expect.stringMatching(/"check:" in the frontmatter/) });
  });

  it('hands each widget the checked exercises that name it or no widget', () => {
    const exercises: Exercise[] = [
      { id: 'a', prompt: 'a', promptHtml: 'a', check: { widget: 'line-fitter', when: { converged: true } } },
      { id: 'b', prompt: 'b', promptHtml: 'b', check: { when: { diverged: true } } },
      { id: 'c', prompt: 'c', promptHtml: 'c' },
      { id: 'd', prompt: 'd', promptHtml: 'd', check: { widget: 'curve-fitter', when: { valLoss: { below: 1 } } } },
    ];
    expect(exercisesForWidget(exercises, 'line-fitter').map((e) => e.id)).toEqual(['a', 'b']);
    expect(exercisesForWidget(exercises, 'curve-fitter').map((e) => e.id)).toEqual(['b', 'd']);
    expect(exercisesForWidget([], 'curve-fitter')).toEqual([]);
  });
});

describe('parseLesson body segments', () => {
  const body = [
    'Intro paragraph.',
    '',
    '```widget',
    'name: mnist-trainer',
    'model: cnn',
    'epochs: 3',
    '```',
    '',
    '## After',
    '',
    'More text.',
  ].join('\n');

  it('splits the body into html and widget segments, in order, with props', () => {
    const lesson = parseLesson('/lessons/03-hello.md', lessonFile(basicFrontmatter, body), options);
    expect(lesson.segments.map((s) => s.kind)).toEqual(['html', 'widget', 'html']);
    expect(lesson.segments[0]).toEqual({ kind: 'html', html: '<p>Intro paragraph.</p>\n' });
    expect(lesson.segments[1]).toEqual({ kind: 'widget', name: 'mnist-trainer', props: { model: 'cnn', epochs: 3 } });
    expect((lesson.segments[2] as { html: string }).html).toContain('<h2>After</h2>');
  });

  it('renders other fenced code as code, not as a widget', () => {
    const raw = lessonFile(basicFrontmatter, '```js\nconst a = 1;\n```');
    const [segment] = parseLesson('/lessons/03-hello.md', raw, options).segments;
    expect(segment.kind).toBe('html');
    expect((segment as { html: string }).html).toContain('<code class="language-js">');
  });

  it('turns invalid widget YAML into an error segment, keeping the rest of the lesson', () => {
    const raw = lessonFile(basicFrontmatter, 'Before.\n\n```widget\nname: [oops\n```\n\nAfter.');
    const segments = parseLesson('/lessons/03-hello.md', raw, options).segments;
    expect(segments.map((s) => s.kind)).toEqual(['html', 'error', 'html']);
    expect(segments[1]).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/not valid YAML/),
      source: 'name: [oops',
    });
  });

  it('turns an unknown widget name into an error segment that lists the known ones', () => {
    const segment = parseWidgetBlock('name: nope', new Set(['mnist-trainer']));
    expect(segment).toMatchObject({ kind: 'error', message: 'Unknown widget "nope". Known widgets: mnist-trainer.' });
  });

  it.each([
    ['', /"key: value" lines/],
    ['- a list', /"key: value" lines/],
    ['model: cnn', /needs a "name:" line/],
  ])('turns widget block %j into an error segment', (source, message) => {
    expect(parseWidgetBlock(source)).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('accepts any widget name when no list of known widgets is given', () => {
    expect(parseWidgetBlock('name: future-widget\nsize: 2')).toEqual({
      kind: 'widget',
      name: 'future-widget',
      props: { size: 2 },
    });
  });

  it('places the exercise checklist where the exercises block is', () => {
    const raw = lessonFile(
      `${basicFrontmatter}\nexercises:\n  - id: a\n    prompt: Do A.`,
      '## Try this\n\n```exercises\n```\n\n## Next\n\nOnward.',
    );
    const kinds = parseLesson('/lessons/03-hello.md', raw, options).segments.map((s) => s.kind);
    expect(kinds).toEqual(['html', 'exercises', 'html']);
  });

  it('puts the exercise checklist at the end when there is no exercises block', () => {
    const raw = lessonFile(`${basicFrontmatter}\nexercises:\n  - id: a\n    prompt: Do A.`, 'Text.');
    const kinds = parseLesson('/lessons/03-hello.md', raw, options).segments.map((s) => s.kind);
    expect(kinds).toEqual(['html', 'exercises']);
  });

  it('reports an exercises block in a lesson without exercises', () => {
    const raw = lessonFile(basicFrontmatter, '```exercises\n```');
    const [segment] = parseLesson('/lessons/03-hello.md', raw, options).segments;
    expect(segment).toMatchObject({ kind: 'error', message: expect.stringMatching(/no exercises in its frontmatter/) });
  });
});

describe('sanitising', () => {
  it('passes every piece of HTML through the injected sanitize function', () => {
    const seen: string[] = [];
    const stripScripts = (html: string) => {
      seen.push(html);
      return html.replace(/<script[\s\S]*?<\/script>/gi, '');
    };
    const raw = lessonFile(
      `${basicFrontmatter}\nexercises:\n  - id: a\n    prompt: 'Click <img src=x onerror="alert(1)">'`,
      'Hello <script>alert("x")</script> world.\n\n```widget\nname: mnist-trainer\n```\n\n<script>alert(2)</script>\n\nEnd.',
    );
    const lesson = parseLesson('/lessons/03-hello.md', raw, { ...options, sanitize: stripScripts });
    const html = lesson.segments.flatMap((s: LessonSegment) => (s.kind === 'html' ? [s.html] : [])).join('');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Hello');
    expect(html).toContain('End.');
    // Two HTML segments around the widget, plus the exercise prompt.
    expect(seen).toHaveLength(3);
    expect(seen.some((chunk) => chunk.includes('onerror'))).toBe(true);
  });
});

describe('parseLessonFiles', () => {
  it('sorts by order, and collects errors without dropping the good lessons', () => {
    const library = parseLessonFiles(
      {
        '/lessons/02-b.md': lessonFile('title: B\norder: 2\nsummary: b'),
        '/lessons/01-a.md': lessonFile('title: A\norder: 1\nsummary: a'),
        '/lessons/03-broken.md': lessonFile('order: 3\nsummary: c'),
      },
      options,
    );
    expect(library.lessons.map((l) => l.slug)).toEqual(['01-a', '02-b']);
    expect(library.errors).toHaveLength(1);
    expect(library.errors[0].file).toBe('/lessons/03-broken.md');
    expect(neighbours(library, '01-a')).toEqual({ previous: undefined, next: library.lessons[1] });
    expect(neighbours(library, 'missing')).toEqual({});
    expect(findLesson(library, '02-b')?.title).toBe('B');
  });

  it('reports two lessons with the same order', () => {
    const library = parseLessonFiles(
      {
        '/lessons/01-a.md': lessonFile('title: A\norder: 1\nsummary: a'),
        '/lessons/01-b.md': lessonFile('title: B\norder: 1\nsummary: b'),
      },
      options,
    );
    expect(library.errors.map((e) => e.message)).toEqual([expect.stringMatching(/same order \(1\)/)]);
  });
});

describe('code cells', () => {
  const cellOptions = { sanitize: identity, knownWidgets: new Set(['mnist-trainer', 'code-cell']) };
  const cell = (header: string, code = 'let w = 0, b = 0;\nconsole.log(w, b);') => `\`\`\`code\n${header}\n---\n${code}\n\`\`\``;

  it('turns a code fence into a code-cell widget with its header and its code verbatim', () => {
    const body = `Intro.\n\n${cell('id: update-step\ntitle: The update step, by hand\ntimeLimit: 30\ndata: line\nsettings: { learningRate: 0.1, optimizer: sgd, shuffle: true }', '  let w = 0, b = 0;\n\n\tconsole.log(`${w}`, "b"); // ---\n---')}\n\nAfter.`;
    const lesson = parseLesson('/lessons/03-hello.md', lessonFile(basicFrontmatter, body), cellOptions);
    expect(lesson.segments[1]).toEqual({
      kind: 'widget',
      name: 'code-cell',
      props: {
        id: 'update-step',
        title: 'The update step, by hand',
        code: '  let w = 0, b = 0;\n\n\tconsole.log(`${w}`, "b"); // ---\n---',
        timeLimit: 30,
        data: 'line',
        settings: { learningRate: 0.1, optimizer: 'sgd', shuffle: true },
      },
    });
    expect(lesson.segments.map((s) => s.kind)).toEqual(['html', 'widget', 'html']);
  });

  it('leaves out what the header does not give, and trims the trailing newlines only', () => {
    expect(parseCodeBlock('id: a\ntitle: " A "\n---\n\nx\n\n')).toEqual({ kind: 'widget', name: 'code-cell', props: { id: 'a', title: 'A', code: '\nx' } });
    expect(parseCodeBlock('id: a\ntitle: A\n---')).toMatchObject({ kind: 'widget', props: { code: '' } });
  });

  it.each([
    ['let w = 0;', /needs a YAML header, a line "---"/],
    ['id: [a\n---\nx', /header \(above "---"\) is not valid YAML/],
    ['- id: a\n---\nx', /header \(above "---"\) must be YAML "key: value" lines/],
    ['id: a\ntitle: A\ntimelimit: 3\n---\nx', /unknown field\(s\) "timelimit"; allowed: id, title, timeLimit, data, settings/],
    ['title: A\n---\nx', /needs an "id:"/],
    ['id: Update_Step\ntitle: A\n---\nx', /lowercase words joined by dashes .* got "Update_Step"/],
    ['---\nx', /needs an "id:"/],
    ['id: a\n---\nx', /Code cell "a" needs a "title:"/],
    ['id: a\ntitle: A\ntimeLimit: 0\n---\nx', /"timeLimit" must be a whole number of seconds from 1 to 600, got 0/],
    ['id: a\ntitle: A\ntimeLimit: 601\n---\nx', /from 1 to 600, got 601/],
    ['id: a\ntitle: A\ntimeLimit: 2.5\n---\nx', /from 1 to 600, got 2.5/],
    ['id: a\ntitle: A\ntimeLimit: "30"\n---\nx', /from 1 to 600, got "30"/],
    ['id: a\ntitle: A\ndata: mnist\n---\nx', /"data" must be one of none, digits, line, got "mnist"/],
    ['id: a\ntitle: A\nsettings: 3\n---\nx', /"settings" must be "name: value" lines/],
    ['id: a\ntitle: A\nsettings: { a: { b: 1 } }\n---\nx', /nothing nested/],
    ['id: a\ntitle: A\nsettings: { a: [1, 2] }\n---\nx', /nothing nested/],
  ])('turns %j into an error segment that says what is wrong', (source, message) => {
    expect(parseCodeBlock(source)).toEqual({ kind: 'error', message: expect.stringMatching(message), source });
  });

  it('needs the code-cell widget in the build', () => {
    expect(parseCodeBlock('id: a\ntitle: A\n---\nx', new Set(['mnist-trainer']))).toMatchObject({ kind: 'error', message: expect.stringMatching(/"code-cell" widget/) });
  });

  it('refuses a second cell with the same id', () => {
    const body = `${cell('id: a\ntitle: One')}\n\n${cell('id: b\ntitle: Two')}\n\n${cell('id: a\ntitle: Three')}`;
    const segments = parseLesson('/lessons/03-hello.md', lessonFile(basicFrontmatter, body), cellOptions).segments;
    expect(segments.map((s) => s.kind)).toEqual(['widget', 'widget', 'error']);
    expect(segments[2]).toMatchObject({ message: 'Another code cell of this lesson has the id "a": each cell needs its own.' });
  });

  it('accepts an exercise checking a cell that exists, and names the missing one otherwise', () => {
    const body = `${cell('id: update-step\ntitle: One')}\n\n${cell('id: loss\ntitle: Two')}`;
    const frontmatter = (when: string) => `${basicFrontmatter}\nexercises:\n  - id: fit\n    prompt: Fit it.\n    check: { widget: code-cell, when: ${when} }`;
    const lesson = parseLesson('/lessons/03-x.md', lessonFile(frontmatter('{ cell: update-step, mse: { below: 0.1 } }'), body), cellOptions);
    expect(lesson.exercises[0].check).toEqual({ widget: 'code-cell', when: { cell: 'update-step', mse: { below: 0.1 } } });
    expect(() => parseLesson('/lessons/03-x.md', lessonFile(frontmatter('{ cell: update-stp, mse: { below: 0.1 } }'), body), cellOptions)).toThrow(
      /03-x\.md: exercise #1 \("fit"\): "check.when.cell" is "update-stp", but this lesson has no code cell with that id \(cells: update-step, loss\)/,
    );
    // Without a code cell, check.widget itself is what is missing.
    expect(() => parseLesson('/lessons/03-x.md', lessonFile(frontmatter('{ cell: a, mse: 1 }'), '```widget\nname: mnist-trainer\n```'), cellOptions)).toThrow(
      /"check.widget" is "code-cell", but this lesson embeds no such widget/,
    );
  });
});
