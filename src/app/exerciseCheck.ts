// PLACEHOLDER until the lessons branch lands (it owns this module and its tests).
export type Condition = number | string | boolean | { min?: number; max?: number; below?: number; above?: number };
export interface ExerciseCheck {
  widget?: string;
  when: Record<string, Condition>;
}
export type Figures = Readonly<Record<string, number | string | boolean | null | undefined>>;
export function checkMet(check: ExerciseCheck, figures: Figures): boolean {
  for (const [name, condition] of Object.entries(check.when)) {
    const value = figures[name];
    if (value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value))) return false;
    if (typeof condition === 'object') {
      if (typeof value !== 'number') return false;
      if (condition.min !== undefined && value < condition.min) return false;
      if (condition.max !== undefined && value > condition.max) return false;
      if (condition.below !== undefined && !(value < condition.below)) return false;
      if (condition.above !== undefined && !(value > condition.above)) return false;
    } else if (value !== condition) return false;
  }
  return true;
}
