import { describe, expect, it } from 'vitest';
import { PROGRESS_STORAGE_KEY, ProgressStore } from '../../src/app/progress.svelte';
import type { StorageLike } from '../../src/shared/storage';

class MemoryStorage implements StorageLike {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

class FullStorage extends MemoryStorage {
  override setItem(): void {
    throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
  }
}

describe('ProgressStore', () => {
  it('starts empty with no notice', () => {
    const progress = new ProgressStore(new MemoryStorage());
    expect(progress.isVisited('01-a')).toBe(false);
    expect(progress.isDone('01-a', 'x')).toBe(false);
    expect(progress.lessonStatus('01-a', ['x'])).toBe('new');
    expect(progress.notice).toBeNull();
  });

  it('round-trips through storage', () => {
    const storage = new MemoryStorage();
    const first = new ProgressStore(storage);
    first.markVisited('01-a');
    first.markExerciseDone('01-a', 'compare-models');
    first.markLessonComplete('02-b');

    const second = new ProgressStore(storage);
    expect(second.isVisited('01-a')).toBe(true);
    expect(second.isDone('01-a', 'compare-models')).toBe(true);
    expect(second.isDone('01-a', 'other')).toBe(false);
    expect(second.isMarkedComplete('02-b')).toBe(true);
    expect(second.snapshot()).toEqual(first.snapshot());
    expect(JSON.parse(storage.getItem(PROGRESS_STORAGE_KEY)!)).toEqual(first.snapshot());
  });

  it('can untick an exercise', () => {
    const progress = new ProgressStore(new MemoryStorage());
    progress.markExerciseDone('01-a', 'x');
    progress.markExerciseDone('01-a', 'x', false);
    expect(progress.isDone('01-a', 'x')).toBe(false);
  });

  it('counts a lesson complete when marked by hand or when every exercise is done', () => {
    const progress = new ProgressStore(new MemoryStorage());
    progress.markVisited('01-a');
    expect(progress.lessonStatus('01-a', ['x', 'y'])).toBe('started');
    progress.markExerciseDone('01-a', 'x');
    expect(progress.lessonComplete('01-a', ['x', 'y'])).toBe(false);
    progress.markExerciseDone('01-a', 'y');
    expect(progress.lessonComplete('01-a', ['x', 'y'])).toBe(true);
    expect(progress.lessonStatus('01-a', ['x', 'y'])).toBe('done');

    expect(progress.lessonComplete('02-b')).toBe(false);
    progress.markLessonComplete('02-b');
    expect(progress.lessonComplete('02-b')).toBe(true);
  });

  it('discards corrupt JSON with a notice that can be dismissed', () => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_STORAGE_KEY, '{not json');
    const progress = new ProgressStore(storage);
    expect(progress.notice?.kind).toBe('corrupt');
    expect(progress.isVisited('01-a')).toBe(false);
    expect(storage.getItem(PROGRESS_STORAGE_KEY)).toBeNull();
    progress.dismissNotice();
    expect(progress.notice).toBeNull();
    // Still saves normally afterwards.
    progress.markVisited('01-a');
    expect(new ProgressStore(storage).isVisited('01-a')).toBe(true);
  });

  it.each([
    ['a number', '42'],
    ['null', 'null'],
    ['a future version', JSON.stringify({ version: 2, lessons: {} })],
    ['lessons as a list', JSON.stringify({ version: 1, lessons: [] })],
    ['a bad entry', JSON.stringify({ version: 1, lessons: { a: { visited: 'yes', completed: false, exercises: [] } } })],
    ['a bad exercise id', JSON.stringify({ version: 1, lessons: { a: { visited: true, completed: false, exercises: [1] } } })],
  ])('discards data of the wrong shape (%s)', (_label, text) => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_STORAGE_KEY, text);
    const progress = new ProgressStore(storage);
    expect(progress.notice?.kind).toBe('corrupt');
    expect(progress.snapshot()).toEqual({ version: 1, lessons: {} });
  });

  it('keeps working in memory when storage is full, with one notice', () => {
    const progress = new ProgressStore(new FullStorage());
    expect(progress.notice).toBeNull();
    progress.markVisited('01-a');
    expect(progress.notice?.kind).toBe('quota');
    expect(progress.isVisited('01-a')).toBe(true);
    progress.dismissNotice();
    progress.markExerciseDone('01-a', 'x');
    expect(progress.isDone('01-a', 'x')).toBe(true);
    expect(progress.notice).toBeNull();
  });

  it('keeps working in memory without storage', () => {
    const progress = new ProgressStore(null);
    expect(progress.notice?.kind).toBe('unavailable');
    progress.markExerciseDone('01-a', 'x');
    expect(progress.isDone('01-a', 'x')).toBe(true);
  });

  it('treats a storage that throws on read as unavailable', () => {
    const storage = new MemoryStorage();
    storage.getItem = () => {
      throw new Error('SecurityError');
    };
    const progress = new ProgressStore(storage);
    expect(progress.notice?.kind).toBe('unavailable');
    progress.markVisited('01-a');
    expect(progress.isVisited('01-a')).toBe(true);
  });
});
