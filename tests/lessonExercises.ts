// The exercise checks lessons declare in their frontmatter, read the way the build reads them, so
// tests hold the widgets and recipes to the targets the lessons actually set.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitFrontmatter } from '../scripts/lessonParser';
import type { ExerciseCheck } from '../src/shared/exerciseCheck';

export function lessonCheck(lessonFile: string, exerciseId: string): ExerciseCheck {
  const path = fileURLToPath(new URL(`../lessons/${lessonFile}`, import.meta.url));
  const { frontmatter } = splitFrontmatter(lessonFile, readFileSync(path, 'utf8'));
  const exercises = (frontmatter as { exercises?: { id: string; check?: ExerciseCheck }[] }).exercises ?? [];
  const check = exercises.find((exercise) => exercise.id === exerciseId)?.check;
  if (!check) throw new Error(`${lessonFile} has no check for the exercise "${exerciseId}".`);
  return check;
}

/** A numeric bound of a check, e.g. the `below` of `valLoss`. */
export function lessonBound(lessonFile: string, exerciseId: string, figure: string, key: 'min' | 'max' | 'below' | 'above'): number {
  const condition = lessonCheck(lessonFile, exerciseId).when[figure];
  const bound = typeof condition === 'object' ? condition[key] : undefined;
  if (typeof bound !== 'number') throw new Error(`${lessonFile} "${exerciseId}" sets no ${key} for ${figure}.`);
  return bound;
}

/** Every lesson's exercises, by lesson slug (the file name less `.md`): all of them, and the ids of those that check themselves. */
export function lessonExercises(): Map<string, { all: string[]; selfChecking: string[] }> {
  const folder = fileURLToPath(new URL('../lessons/', import.meta.url));
  const out = new Map<string, { all: string[]; selfChecking: string[] }>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.md')).sort()) {
    const { frontmatter } = splitFrontmatter(file, readFileSync(`${folder}${file}`, 'utf8'));
    const exercises = (frontmatter as { exercises?: { id: string; check?: ExerciseCheck }[] }).exercises ?? [];
    out.set(file.replace(/\.md$/, ''), { all: exercises.map((e) => e.id), selfChecking: exercises.filter((e) => e.check).map((e) => e.id) });
  }
  return out;
}
