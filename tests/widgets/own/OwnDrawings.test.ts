import { describe, expect, it } from 'vitest';
import { DRAWINGS_STORAGE_KEY, OwnDrawings, STARTING_CLASSES } from '../../../src/widgets/own/OwnDrawings.svelte';
import { DRAWING_PIXELS } from '../../../src/ml/ownClassifier';
import type { StorageLike } from '../../../src/shared/storage';

class FakeStorage implements StorageLike {
  items = new Map<string, string>();
  /** Writes larger than this throw QuotaExceededError, as a full localStorage does. */
  quota = Infinity;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (value.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}
const drawing = (v: number) => new Uint8Array(DRAWING_PIXELS).fill(v);

describe('OwnDrawings', () => {
  it('starts with three renamable classes and keeps every change for the next visit', () => {
    const storage = new FakeStorage();
    const first = new OwnDrawings(storage);
    expect(first.classes.map((c) => c.name)).toEqual(STARTING_CLASSES);
    expect(first.rename(0, ' yes ')).toBeNull();
    expect(first.rename(1, 'yes')).toMatch(/already a class called “yes”/);
    expect(first.addDrawing(0, drawing(7))).toBeNull();
    expect(first.addClass('A')).toBeNull();
    const again = new OwnDrawings(storage);
    expect(again.classes.map((c) => c.name)).toEqual(['yes', '✗', '○', 'A']);
    expect([...again.classes[0].drawings[0]]).toEqual([...drawing(7)]);
    again.removeLastDrawing(0);
    again.removeClass(3);
    expect(new OwnDrawings(storage).total).toBe(0);
  });

  it('when the storage is full, tells the learner and keeps what was saved before', () => {
    const storage = new FakeStorage();
    const own = new OwnDrawings(storage);
    own.addDrawing(0, drawing(1));
    const saved = storage.getItem(DRAWINGS_STORAGE_KEY);
    storage.quota = saved!.length; // one more drawing will not fit
    expect(own.addDrawing(0, drawing(2))).toBeNull();
    expect(own.classes[0].drawings).toHaveLength(2); // kept on the page…
    expect(own.notice).toMatch(/storage is full.*what was saved before is kept.*Export/);
    expect(storage.getItem(DRAWINGS_STORAGE_KEY)).toBe(saved); // …and the saved copy is intact
    storage.quota = Infinity;
    own.addDrawing(0, drawing(3));
    expect(own.notice).toBeNull();
    expect(new OwnDrawings(storage).classes[0].drawings).toHaveLength(3);
  });

  it('reports saved drawings it cannot read, and works without any storage', () => {
    const storage = new FakeStorage();
    storage.setItem(DRAWINGS_STORAGE_KEY, '{"format":"gradient-lab-drawings","version":9,"classes":[]}');
    const own = new OwnDrawings(storage);
    expect(own.notice).toMatch(/could not be read.*version 9/);
    expect(own.classes.map((c) => c.name)).toEqual(STARTING_CLASSES);
    const none = new OwnDrawings(null);
    expect(none.notice).toMatch(/does not let the page save/);
    expect(none.addDrawing(0, drawing(1))).toBeNull();
  });

  it('caps classes and drawings per class', () => {
    const own = new OwnDrawings(new FakeStorage());
    expect(own.addClass('D')).toBeNull();
    expect(own.addClass('E')).toBeNull();
    expect(own.addClass('F')).toMatch(/At most 5 classes/);
    for (let i = 0; i < 100; i++) own.addDrawing(0, drawing(i));
    expect(own.addDrawing(0, drawing(0))).toMatch(/already has 100 drawings/);
    expect(own.addDrawing(9, drawing(0))).toMatch(/no longer exists/);
  });
});
