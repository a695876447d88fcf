// The layering of STYLE.md, read off the source: every relative import of every .ts and .svelte
// file under src/, as edges between folders. Data flows one way (lesson → widget → worker → ml →
// tfjs), so the folder graph has no cycle, the ML core imports no other part of the app, widgets
// never import the shell, and src/shared/ imports nothing of the app at all.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The top-level folder of src/ a file is in (`main.ts` itself is the entry, "main"). */
function part(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : 'main';
}

/** Folder → the folders it imports from. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = part(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1] ?? match[2] ?? match[3]);
      if (!target.startsWith(SRC + '/')) continue;
      const to = part(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      if (next === path[0]) found.push([...path, next]);
      else if (!path.includes(next) && next > path[0]) visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return found;
}

describe('the import graph of src/', () => {
  const graph = folderGraph();
  const importsOf = (folder: string) => [...(graph.get(folder) ?? [])].sort();

  it('reads imports from every part of the app', () => {
    expect([...graph.keys()].sort()).toEqual(expect.arrayContaining(['app', 'ml', 'shared', 'widgets', 'worker']));
    expect(importsOf('widgets')).toContain('worker'); // the reader finds real edges
  });

  it('has no cycle between folders', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the ML core free of the rest of the app, widgets free of the shell, and shared free of both', () => {
    expect(importsOf('ml')).toEqual([]);
    expect(importsOf('widgets')).not.toContain('app');
    expect(importsOf('shared')).toEqual([]);
    expect(importsOf('worker')).not.toContain('widgets');
    expect(importsOf('worker')).not.toContain('app');
  });

  it('keeps the code cells\' sandbox on the ML core alone, and the ML core free of it', () => {
    // The sandbox's runtime is bundled into every cell's worker: no widget, shell or worker code rides along.
    expect(graph.has('sandbox')).toBe(true);
    expect(importsOf('sandbox')).toEqual(['ml']);
    expect(importsOf('ml')).not.toContain('sandbox');
    expect(importsOf('shared')).not.toContain('sandbox');
    expect(importsOf('worker')).not.toContain('sandbox');
  });
});
