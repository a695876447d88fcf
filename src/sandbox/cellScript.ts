// One run's worker script: the runtime bundle, then the learner's code inside one async function
// (so `await` works at the top of a cell). The lines their code takes are counted here, so an error
// anywhere in the script names their line, or none when it came from the runtime.

const OPEN = 'self.__cellStart(async (tf, lab, console) => {';
// On a line of its own: a cell that ends in a // comment must not swallow the closing brackets.
const CLOSE = '\n});\n';

export interface CellScript {
  script: string;
  /** What follows the runtime in `script`: all a run sends once the frame holds the runtime. */
  tail: string;
  /** The script's lines that hold the learner's code (1-based, inclusive). */
  firstLine: number;
  lastLine: number;
}

function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** The runtime's lines, counted once (it is the same 1.3 MB on every run). */
let counted: { runtime: string; lines: number } | null = null;

export function cellScript(runtime: string, code: string): CellScript {
  const tail = `\n;${OPEN}\n${code}${CLOSE}`;
  if (counted?.runtime !== runtime) counted = { runtime, lines: lineCount(runtime) };
  const firstLine = counted.lines + 2;
  return { script: runtime + tail, tail, firstLine, lastLine: firstLine + lineCount(code) - 1 };
}

/** A script line as the learner's line (1-based), or undefined when it is not theirs. */
export function editorLine(scriptLine: number | undefined, script: Pick<CellScript, 'firstLine' | 'lastLine'>): number | undefined {
  if (scriptLine === undefined || !Number.isFinite(scriptLine)) return undefined;
  // A syntax error can be found just past the code (an unclosed bracket): that is their last line.
  if (scriptLine > script.lastLine && scriptLine <= script.lastLine + 2) return script.lastLine - script.firstLine + 1;
  return scriptLine >= script.firstLine && scriptLine <= script.lastLine ? scriptLine - script.firstLine + 1 : undefined;
}
