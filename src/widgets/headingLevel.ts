// A widget's headings continue the lesson's outline: a widget after a level-2 heading starts its
// own at level 3, one right under the title at level 2 (a skipped level confuses screen-reader
// navigation, and axe's heading-order rule flags it). WidgetHost sets the level, WidgetHeading reads it.
import { getContext, setContext } from 'svelte';

const KEY = Symbol('widget heading level');

/** Where a widget is not inside a lesson (the bench page), its headings sit under an h2. */
const OUTSIDE_A_LESSON = 3;

export function setWidgetHeadingLevel(level: number): void {
  setContext(KEY, level);
}

export function widgetHeadingLevel(): number {
  return getContext<number | undefined>(KEY) ?? OUTSIDE_A_LESSON;
}

/** The level for a widget's headings: one below the last heading in the lesson text before it. */
export function headingLevelAfter(htmlBefore: readonly string[]): number {
  let last = 1; // the lesson's title
  for (const html of htmlBefore) for (const match of html.matchAll(/<h([1-6])[\s>]/gi)) last = Number(match[1]);
  return Math.min(6, last + 1);
}
