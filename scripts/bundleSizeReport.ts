// Prints, after `vite build`, the two numbers the page's load time hangs on: the main chunk's and
// the training worker's size, gzip'd. Vite lists a worker as an asset without a gzip size, and a
// worker's own imports are loaded before it can start, so they are counted here with it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The main chunk's budget in kB gzip (issue 7); going over prints a warning, it does not fail the build. */
const MAIN_BUDGET_KB = 40;

export function bundleSizeReport(): Plugin {
  let report = '';
  return {
    name: 'gradient-lab:bundle-size-report',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const gzipKb = (fileName: string) => gzipSync(readFileSync(path.join(dir, fileName))).length / 1000;
      const main = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry && file.name === 'main');
      if (!main) return;
      const parts = [`main chunk: ${gzipKb(main.fileName).toFixed(1)} kB gzip`];
      const worker = Object.keys(bundle).find((fileName) => /\.worker-[\w-]+\.js$/.test(fileName));
      if (worker) {
        const files = staticImports(dir, worker);
        const total = files.reduce((sum, fileName) => sum + gzipKb(fileName), 0);
        parts.push(
          `worker: ${gzipKb(worker).toFixed(1)} kB gzip (${total.toFixed(1)} kB with the ${files.length - 1} chunks it imports at start)`,
        );
      }
      report = parts.join(' · ');
      if (gzipKb(main.fileName) > MAIN_BUDGET_KB) report += ` (over its ${MAIN_BUDGET_KB} kB budget)`;
    },
    closeBundle() {
      // After Vite's own list of files, so it is the last thing a build prints.
      if (report) console.log(`\n${report}\n`);
    },
  };
}

/** `entry` and every file it imports statically, following `from"./x.js"` / `import"./x.js"` in the output. */
function staticImports(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    const code = readFileSync(path.join(dir, fileName), 'utf8');
    for (const [, specifier] of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+\.js)["']/g)) {
      visit(path.posix.join(path.posix.dirname(fileName), specifier));
    }
  };
  visit(entry);
  return [...seen];
}
