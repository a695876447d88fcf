// A run's worker script: the runtime, then the learner's code in one async function. The lines
// their code takes must be exactly the script's firstLine…lastLine, or every error names the
// wrong line; checked by reading the script and by running it in Node.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { cellScript, editorLine } from '../../src/sandbox/cellScript';
import { userPosition } from '../../src/sandbox/cellRuntime';

const RUNTIME = ['// the runtime bundle', 'globalThis.self = globalThis;', 'self.__cellStart = (f) => {', '  globalThis.__body = f;', '};'].join('\n');

describe('cellScript', () => {
  it.each([
    ['one line', 'console.log(1)'],
    ['several lines', 'const a = 1;\nconst b = 2;\nconsole.log(a + b);'],
    ['a trailing newline', 'console.log(1);\n'],
    ['blank lines around', '\n\nconsole.log(1);\n\n'],
    ['an empty cell', ''],
  ])('points firstLine…lastLine at the code (%s)', (_what, code) => {
    const { script, firstLine, lastLine } = cellScript(RUNTIME, code);
    const lines = script.split('\n');
    expect(lines.slice(firstLine - 1, lastLine).join('\n')).toBe(code);
    expect(lines[firstLine - 2]).toMatch(/self\.__cellStart\(async \(tf, lab, console\) => \{$/);
    expect(lines[lastLine]).toBe('});');
    expect(lines.slice(0, 5).join('\n')).toBe(RUNTIME);
  });

  it('counts the runtime\'s lines whatever they are', () => {
    expect(cellScript('a', 'x').firstLine).toBe(3);
    expect(cellScript('a\nb\nc', 'x\ny').firstLine).toBe(5);
    expect(cellScript('a\nb\nc', 'x\ny').lastLine).toBe(6);
    expect(cellScript('a\n', 'x').firstLine).toBe(4);
  });
});

describe('editorLine', () => {
  const lines = { firstLine: 10, lastLine: 14 };

  it('maps the code\'s script lines to the editor\'s', () => {
    expect(editorLine(10, lines)).toBe(1);
    expect(editorLine(12, lines)).toBe(3);
    expect(editorLine(14, lines)).toBe(5);
  });

  it('puts an error just past the code on its last line (an unclosed bracket)', () => {
    expect(editorLine(15, lines)).toBe(5);
    expect(editorLine(16, lines)).toBe(5);
  });

  it('gives no line outside the code', () => {
    for (const line of [undefined, Number.NaN, Infinity, 0, 1, 9, 17, 1000]) expect(editorLine(line, lines)).toBeUndefined();
  });
});

/** Runs a cell's script in a fresh Node context as the worker would, with the stub runtime. */
function load(code: string) {
  const built = cellScript(RUNTIME, code);
  const context: { __body?: (tf: unknown, lab: unknown, console: unknown) => Promise<unknown> } = {};
  runInNewContext(built.script, context, { filename: 'blob:null/cell-run' });
  if (!context.__body) throw new Error('the script did not hand over its body');
  return { ...built, body: context.__body };
}

/** The script line a syntax error names ("filename:LINE" at the start of Node's stack). */
function syntaxErrorLine(code: string): { line: number | undefined; firstLine: number; lastLine: number } {
  const built = cellScript(RUNTIME, code);
  try {
    runInNewContext(built.script, {}, { filename: 'blob:null/cell-run' });
  } catch (error) {
    const stack = String((error as Error).stack);
    expect((error as Error).name).toBe('SyntaxError');
    const match = /^blob:null\/cell-run:(\d+)/.exec(stack);
    return { line: editorLine(match ? Number(match[1]) : undefined, built), firstLine: built.firstLine, lastLine: built.lastLine };
  }
  throw new Error('no syntax error');
}

describe('a cell\'s script run in Node', () => {
  it('runs the code with tf, lab and console, and await works at its top', async () => {
    const printed: unknown[] = [];
    const { body } = load('const x = await Promise.resolve(tf.two * 3);\nconsole.log(x, lab.name);\nreturn x; // the end');
    await expect(body({ two: 2 }, { name: 'lab' }, { log: (...args: unknown[]) => printed.push(args) })).resolves.toBe(6);
    expect(printed).toEqual([[6, 'lab']]);
  });

  it.each([
    ['on its first line', 'null.x;', 1],
    ['on a later line', 'const a = 1;\nconst b = 2;\n\nundefined.call();\nconsole.log(a, b);', 4],
    ['inside a function it calls', 'function f() {\n  throw new Error("deep");\n}\nf();', 2],
    ['after an await', 'await null;\nconst t = 1;\nt();', 3],
  ])('names the learner\'s line of an error thrown %s', async (_where, code, line) => {
    const { body, firstLine, lastLine } = load(code);
    const error = await body({}, {}, {}).then(
      () => null,
      (thrown: Error) => thrown,
    );
    expect(error).not.toBeNull();
    expect(userPosition(error!.stack, firstLine, lastLine)?.line).toBe(line);
  });

  it('finds the column too', async () => {
    const { body, firstLine, lastLine } = load('const a = 1;\n    missing();');
    const error = await body({}, {}, {}).catch((thrown: Error) => thrown);
    expect(userPosition((error as Error).stack, firstLine, lastLine)).toEqual({ line: 2, column: 5 });
  });

  it('puts a syntax error on the learner\'s line', () => {
    expect(syntaxErrorLine('const a = 1;\nconst b = ;\nconsole.log(a);').line).toBe(2);
    expect(syntaxErrorLine('let x = 1;\nlet x = 2;').line).toBe(2);
    expect(syntaxErrorLine(')').line).toBe(1);
  });

  it('puts an unclosed bracket on the learner\'s last line', () => {
    expect(syntaxErrorLine('for (let i = 0; i < 3; i++) {\n  console.log(i);').line).toBe(2);
    expect(syntaxErrorLine('const list = [1, 2,\n  3').line).toBe(2);
  });

  it('keeps the closing brackets out of a comment on the last line', async () => {
    const { body } = load('const a = 41 + 1; // the answer');
    await expect(body({}, {}, {})).resolves.toBeUndefined();
    // A comment left open swallows them: a syntax error, still on one of the learner's lines.
    expect(syntaxErrorLine('const a = 1;\n/* a comment\n that never ends').line).toBeGreaterThanOrEqual(2);
  });
});
