// What the learner has done: lessons visited and completed, exercises ticked. Saved to a
// Storage-like object (localStorage in the page, a fake in tests). Losing progress must never
// break the app, so every storage problem becomes a notice and the store keeps working in memory.
import type { StorageLike } from '../shared/storage';

/** Bump the version when the saved shape changes; old data is then discarded, not misread. */
export const PROGRESS_STORAGE_KEY = 'gradient-lab.progress.v1';

export interface LessonProgress {
  visited: boolean;
  /** Marked complete by the learner; a lesson also counts as complete when all its exercises are done. */
  completed: boolean;
  exercises: string[];
}

export interface SavedProgress {
  version: 1;
  lessons: Record<string, LessonProgress>;
}

/** How far a learner got with a lesson, as shown on the home page. */
export type LessonStatus = 'done' | 'started' | 'new';

export type ProgressNoticeKind = 'corrupt' | 'unavailable' | 'quota' | 'write-failed';

export interface ProgressNotice {
  kind: ProgressNoticeKind;
  message: string;
}

const NOTICE_MESSAGES: Record<ProgressNoticeKind, string> = {
  corrupt: 'Your saved progress could not be read, so it was reset. Sorry about that.',
  unavailable: 'This browser does not let Gradient Lab save your progress. It is kept until you close this tab.',
  quota: 'Your browser storage is full, so progress is no longer saved. It is kept until you close this tab.',
  'write-failed': 'Progress could not be saved. It is kept until you close this tab.',
};

export class ProgressStore {
  #storage: StorageLike | null;
  #lessons = $state<Record<string, LessonProgress>>({});
  #notice = $state<ProgressNotice | null>(null);
  // Each kind of notice is shown at most once, so a full disk does not nag on every click.
  // Not reactive on purpose: nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #noticesRaised = new Set<ProgressNoticeKind>();

  /** Pass `null` when there is no storage at all (e.g. localStorage is blocked). */
  constructor(storage: StorageLike | null) {
    this.#storage = storage;
    if (storage === null) {
      this.#raise('unavailable');
      return;
    }
    this.#lessons = this.#load(storage);
  }

  /** The storage problem to tell the learner about, if any; cleared by `dismissNotice`. */
  get notice(): ProgressNotice | null {
    return this.#notice;
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  isVisited(lessonSlug: string): boolean {
    return this.#lessons[lessonSlug]?.visited ?? false;
  }

  markVisited(lessonSlug: string): void {
    if (this.isVisited(lessonSlug)) return;
    this.#entry(lessonSlug).visited = true;
    this.#save();
  }

  isDone(lessonSlug: string, exerciseId: string): boolean {
    return this.#lessons[lessonSlug]?.exercises.includes(exerciseId) ?? false;
  }

  markExerciseDone(lessonSlug: string, exerciseId: string, done = true): void {
    if (this.isDone(lessonSlug, exerciseId) === done) return;
    const entry = this.#entry(lessonSlug);
    entry.exercises = done
      ? [...entry.exercises, exerciseId]
      : entry.exercises.filter((id) => id !== exerciseId);
    this.#save();
  }

  /** True when the learner marked the lesson complete themselves. */
  isMarkedComplete(lessonSlug: string): boolean {
    return this.#lessons[lessonSlug]?.completed ?? false;
  }

  markLessonComplete(lessonSlug: string, complete = true): void {
    if (this.isMarkedComplete(lessonSlug) === complete) return;
    this.#entry(lessonSlug).completed = complete;
    this.#save();
  }

  /** Complete = marked complete by hand, or every one of the lesson's exercises is done. */
  lessonComplete(lessonSlug: string, exerciseIds: readonly string[] = []): boolean {
    if (this.isMarkedComplete(lessonSlug)) return true;
    return exerciseIds.length > 0 && exerciseIds.every((id) => this.isDone(lessonSlug, id));
  }

  lessonStatus(lessonSlug: string, exerciseIds: readonly string[] = []): LessonStatus {
    if (this.lessonComplete(lessonSlug, exerciseIds)) return 'done';
    return this.isVisited(lessonSlug) ? 'started' : 'new';
  }

  /** A plain copy of everything, in the saved format. */
  snapshot(): SavedProgress {
    return { version: 1, lessons: JSON.parse(JSON.stringify(this.#lessons)) as Record<string, LessonProgress> };
  }

  #entry(lessonSlug: string): LessonProgress {
    this.#lessons[lessonSlug] ??= { visited: false, completed: false, exercises: [] };
    return this.#lessons[lessonSlug];
  }

  #load(storage: StorageLike): Record<string, LessonProgress> {
    let text: string | null;
    try {
      text = storage.getItem(PROGRESS_STORAGE_KEY);
    } catch {
      this.#storage = null;
      this.#raise('unavailable');
      return {};
    }
    if (text === null) return {};
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!isSavedProgress(data)) {
      this.#discard(storage);
      return {};
    }
    return data.lessons;
  }

  #discard(storage: StorageLike): void {
    this.#raise('corrupt');
    try {
      storage.removeItem(PROGRESS_STORAGE_KEY);
    } catch {
      // The bad value will be overwritten by the next save anyway.
    }
  }

  #save(): void {
    if (this.#storage === null) return;
    try {
      this.#storage.setItem(PROGRESS_STORAGE_KEY, JSON.stringify(this.snapshot()));
    } catch (error) {
      this.#raise(isQuotaExceeded(error) ? 'quota' : 'write-failed');
    }
  }

  #raise(kind: ProgressNoticeKind): void {
    if (this.#noticesRaised.has(kind)) return;
    this.#noticesRaised.add(kind);
    this.#notice = { kind, message: NOTICE_MESSAGES[kind] };
  }
}


export function isSavedProgress(data: unknown): data is SavedProgress {
  if (!isRecord(data) || data.version !== 1 || !isRecord(data.lessons)) return false;
  return Object.values(data.lessons).every(
    (entry) =>
      isRecord(entry) &&
      typeof entry.visited === 'boolean' &&
      typeof entry.completed === 'boolean' &&
      Array.isArray(entry.exercises) &&
      entry.exercises.every((id) => typeof id === 'string'),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQuotaExceeded(error: unknown): boolean {
  // Browsers disagree on the name (Firefox used NS_ERROR_DOM_QUOTA_REACHED) and old ones on the code.
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}
