// A self-checking exercise's target, as a lesson author writes it in the frontmatter:
//
//   check: { widget: curve-fitter, when: { dataset: sine, valLoss: { below: 0.02 } } }
//
// The widget reports its figures (named numbers, strings and booleans); the exercise is done when
// every named figure meets its condition. Pure and DOM-free: the build validates checks with
// parseCheck, the widgets evaluate them with checkMet.

export type Condition = number | string | boolean | { min?: number; max?: number; below?: number; above?: number };

export interface ExerciseCheck {
  /** The widget (registry name) whose figures the check reads; omitted = every widget of the lesson. */
  widget?: string;
  /** Every named figure must meet its condition: a number/string/boolean must be equal; min/max inclusive, below/above strict. */
  when: Record<string, Condition>;
}

export type Figures = Readonly<Record<string, number | string | boolean | null | undefined>>;

const BOUNDS = ['min', 'max', 'below', 'above'] as const;
type Bound = (typeof BOUNDS)[number];
const CHECK_KEYS = new Set(['widget', 'when']);
const BOUND_KEYS: ReadonlySet<string> = new Set(BOUNDS);
/** Figures are named like variables (valLoss, hiddenUnits), which also keeps out "__proto__". */
const FIGURE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** False when a named figure is missing, null, or a non-finite number. A check with no conditions is never met. */
export function checkMet(check: ExerciseCheck, figures: Figures): boolean {
  const conditions = Object.entries(check.when);
  return conditions.length > 0 && conditions.every(([name, condition]) => meets(figureOf(figures, name), condition));
}

function figureOf(figures: Figures, name: string): Figures[string] {
  // Own properties only: a figure named "constructor" must not find Object's.
  return Object.hasOwn(figures, name) ? figures[name] : undefined;
}

function meets(value: Figures[string], condition: Condition): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number' && !Number.isFinite(value)) return false;
  if (typeof condition !== 'object') return value === condition;
  if (typeof value !== 'number') return false;
  const { min, max, below, above } = condition;
  return (
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (below === undefined || value < below) &&
    (above === undefined || value > above)
  );
}

/** Parses/validates a frontmatter `check` (throws a message naming the problem). */
export function parseCheck(raw: unknown): ExerciseCheck {
  if (!isPlainObject(raw)) {
    throw new Error('"check" must be a mapping like { widget: curve-fitter, when: { valLoss: { below: 0.02 } } }');
  }
  const unknownKeys = Object.keys(raw).filter((key) => !CHECK_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new Error(`"check" has unknown field(s) ${quoteAll(unknownKeys)}; allowed: widget, when`);
  }
  const check: ExerciseCheck = { when: parseWhen(raw.when) };
  if (raw.widget !== undefined) {
    if (typeof raw.widget !== 'string' || raw.widget.trim() === '') {
      throw new Error(`"check.widget" must be a widget name such as curve-fitter, got ${JSON.stringify(raw.widget)}`);
    }
    check.widget = raw.widget.trim();
  }
  return check;
}

function parseWhen(raw: unknown): Record<string, Condition> {
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    throw new Error('"check.when" must name at least one figure and its condition, e.g. { valLoss: { below: 0.02 } }');
  }
  const when: Record<string, Condition> = {};
  for (const [figure, condition] of Object.entries(raw)) {
    if (!FIGURE_NAME.test(figure)) {
      throw new Error(`"check.when" names a figure "${figure}"; figure names are letters and digits, like valLoss`);
    }
    when[figure] = parseCondition(`check.when.${figure}`, condition);
  }
  return when;
}

function parseCondition(where: string, raw: unknown): Condition {
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new Error(`"${where}" must be a finite number, got ${raw}`);
    return raw;
  }
  if (!isPlainObject(raw)) {
    throw new Error(
      `"${where}" must be a value to equal (number, text, true/false) or bounds like { below: 0.02 }, got ${JSON.stringify(raw)}`,
    );
  }
  const keys = Object.keys(raw);
  const unknownBounds = keys.filter((key) => !BOUND_KEYS.has(key));
  if (unknownBounds.length > 0) {
    throw new Error(
      `"${where}" has unknown bound(s) ${quoteAll(unknownBounds)}; use min, max (inclusive), below, above (strict)`,
    );
  }
  if (keys.length === 0) throw new Error(`"${where}" needs at least one of min, max, below, above`);
  const bounds: Partial<Record<Bound, number>> = {};
  for (const bound of BOUNDS) {
    const value = raw[bound];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`"${where}.${bound}" must be a finite number, got ${JSON.stringify(value)}`);
    }
    bounds[bound] = value;
  }
  // A typo such as { min: 0.1, max: 0.01 } would leave an exercise that can never tick.
  const lowest = Math.max(bounds.min ?? -Infinity, bounds.above ?? -Infinity);
  const highest = Math.min(bounds.max ?? Infinity, bounds.below ?? Infinity);
  const strictEnd = lowest === bounds.above || highest === bounds.below;
  if (lowest > highest || (lowest === highest && strictEnd)) {
    throw new Error(`"${where}" can never be met: ${JSON.stringify(raw)}`);
  }
  return bounds;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoteAll(keys: string[]): string {
  return keys.map((key) => `"${key}"`).join(', ');
}
