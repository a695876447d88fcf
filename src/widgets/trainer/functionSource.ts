// "Show me the code" from the code that runs: a function's text cut out of its module's source
// (imported with Vite's ?raw), so what the learner reads cannot drift from what the page does.

/** The text of `export function name(…) {…}` in `source` (with the comment above it), or '' when absent. */
export function functionSource(source: string, name: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`export function ${name}(`) || line.startsWith(`export async function ${name}(`));
  if (start < 0) return '';
  const end = lines.findIndex((line, i) => i > start && line === '}');
  if (end < 0) return '';
  let first = start;
  while (first > 0 && /^\s*(\/\*\*|\*|\/\/)/.test(lines[first - 1])) first--;
  return lines.slice(first, end + 1).join('\n');
}
