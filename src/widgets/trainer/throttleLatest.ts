// Runs an async task at most once at a time and at most once per interval, always on the
// latest state: requests that arrive while it is busy or cooling down collapse into one run
// afterwards. The task reads the current state itself when it starts, so whatever was asked
// last is what gets done, and a slow model never builds up a queue of stale drawings.

export interface ThrottledTask {
  /** Asks for a run on the current state: now if idle, else once the current run and interval end. */
  request(): void;
  /** Asks for a run on the current state as soon as the current one (if any) ends, skipping the interval. */
  now(): void;
  /** Drops a pending run (a run already started still finishes). */
  cancel(): void;
}

/** `task` must not reject: it reports its own errors (a rejection is left unhandled). */
export function throttleLatest(task: () => Promise<void>, minIntervalMs: number): ThrottledTask {
  let pending = false;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastStart = -Infinity;

  function pump(): void {
    if (!pending || running || timer !== undefined) return;
    const wait = lastStart + minIntervalMs - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        pump();
      }, wait);
      return;
    }
    pending = false;
    running = true;
    lastStart = Date.now();
    void task().finally(() => {
      running = false;
      pump();
    });
  }

  return {
    request() {
      pending = true;
      pump();
    },
    now() {
      pending = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      lastStart = -Infinity;
      pump();
    },
    cancel() {
      pending = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
