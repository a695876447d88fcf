import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleLatest } from '../../../src/widgets/trainer/throttleLatest.ts';

/** A task whose runs finish only when the test says so; `state` is what each run saw. */
function controllableTask() {
  const seen: number[] = [];
  const finishers: (() => void)[] = [];
  let state = 0;
  return {
    seen,
    set: (v: number) => (state = v),
    finishNext: () => finishers.shift()?.(),
    task: () =>
      new Promise<void>((resolve) => {
        seen.push(state);
        finishers.push(resolve);
      }),
  };
}

describe('throttleLatest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once when idle', () => {
    const t = controllableTask();
    throttleLatest(t.task, 100).request();
    expect(t.seen).toEqual([0]);
  });

  it('keeps one run in flight and then runs once more on the latest state', async () => {
    const t = controllableTask();
    const throttled = throttleLatest(t.task, 100);
    throttled.request();
    for (let v = 1; v <= 5; v++) {
      t.set(v);
      throttled.request();
    }
    await vi.advanceTimersByTimeAsync(500);
    expect(t.seen).toEqual([0]); // still busy: nothing queued up behind it
    t.finishNext();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.seen).toEqual([0, 5]);
    t.finishNext();
    await vi.advanceTimersByTimeAsync(500);
    expect(t.seen).toEqual([0, 5]);
  });

  it('waits out the interval after a fast run', async () => {
    const t = controllableTask();
    const throttled = throttleLatest(t.task, 100);
    throttled.request();
    t.finishNext();
    await vi.advanceTimersByTimeAsync(10);
    t.set(1);
    throttled.request();
    t.set(2);
    throttled.request();
    expect(t.seen).toEqual([0]);
    await vi.advanceTimersByTimeAsync(89);
    expect(t.seen).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.seen).toEqual([0, 2]);
  });

  it('cancel drops a waiting run', async () => {
    const t = controllableTask();
    const throttled = throttleLatest(t.task, 100);
    throttled.request();
    t.finishNext();
    await vi.advanceTimersByTimeAsync(0);
    throttled.request();
    throttled.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.seen).toEqual([0]);
  });
});

describe('throttleLatest.now', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs on the latest state as soon as the current run ends, without waiting out the interval', async () => {
    const t = controllableTask();
    const throttled = throttleLatest(t.task, 1000);
    throttled.request();
    t.set(1);
    throttled.request(); // waits for the run and the interval
    t.set(2);
    throttled.now();
    expect(t.seen).toEqual([0]);
    t.finishNext();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.seen).toEqual([0, 2]);
    t.finishNext();
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.seen).toEqual([0, 2]); // the earlier request was served by the same run
  });
});
