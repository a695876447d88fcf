// Where the learner's code stops being JavaScript, read with the editor's own parser (Lezer). Some
// engines report a syntax error in a worker script without its line (Firefox says only that the
// script failed): then this finds the first spot the parser could not read.
import { javascriptLanguage } from '@codemirror/lang-javascript';

/** The 1-based line of the first syntax error in `code`, or undefined where the parser finds none. */
export function syntaxErrorLine(code: string): number | undefined {
  const tree = javascriptLanguage.parser.parse(code);
  let at: number | undefined;
  tree.iterate({
    enter(node) {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  if (at === undefined) return undefined;
  let line = 1;
  for (let i = 0; i < at && i < code.length; i++) if (code.charCodeAt(i) === 10) line++;
  return line;
}
