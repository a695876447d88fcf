import { checkMet, type ExerciseCheck, type Figures } from '../../shared/exerciseCheck';

/** An exercise as a widget receives it from the lesson (its frontmatter entry, parsed at build time). */
export interface WidgetExercise {
  id: string;
  check?: ExerciseCheck;
  /** Sanitised inline HTML shown after "✓ Exercise done: ". */
  doneHtml?: string;
}

/**
 * Ticks the lesson's self-checking exercises: the lesson says which figure must meet which bound
 * (its frontmatter), the widget only reports its figures. Each exercise fires once.
 */
export class ExerciseTracker {
  #all: WidgetExercise[];
  #pending: WidgetExercise[];
  #onexercise: () => ((id: string) => void) | undefined;
  #done = $state.raw<WidgetExercise[]>([]);

  constructor(exercises: unknown, onexercise: () => ((id: string) => void) | undefined) {
    this.#all = Array.isArray(exercises) ? exercises.filter(isCheckable) : [];
    this.#pending = this.#all;
    this.#onexercise = onexercise;
  }

  /** The exercises met so far, in the order they were met. */
  get done(): WidgetExercise[] {
    return this.#done;
  }

  /**
   * The lesson's bound on a figure (e.g. `bound('handMse', 'below')` → 0.05), so a widget can
   * show the target the lesson set; undefined when no exercise bounds it that way.
   */
  bound(figure: string, key: 'min' | 'max' | 'below' | 'above'): number | undefined {
    for (const exercise of this.#all) {
      const condition = exercise.check?.when[figure];
      if (typeof condition === 'object' && typeof condition[key] === 'number') return condition[key];
    }
    return undefined;
  }

  /** Checks every open exercise against the widget's figures now. */
  update(figures: Figures): void {
    const met = this.#pending.filter((exercise) => checkMet(exercise.check!, figures));
    if (met.length === 0) return;
    this.#pending = this.#pending.filter((exercise) => !met.includes(exercise));
    this.#done = [...this.#done, ...met];
    for (const exercise of met) this.#onexercise()?.(exercise.id);
  }
}

function isCheckable(value: unknown): value is WidgetExercise & { check: ExerciseCheck } {
  if (typeof value !== 'object' || value === null) return false;
  const { id, check } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof check === 'object' && check !== null && typeof (check as ExerciseCheck).when === 'object';
}
