import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StorageLike } from '../../../src/shared/storage';
import { CellDrafts, MAX_DRAFT_LENGTH, draftsKey, readDrafts } from '../../../src/widgets/cells/cellDrafts';

class FakeStorage implements StorageLike {
  readonly items = new Map<string, string>();
  full = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const KEY = draftsKey('02-the-update-step');

describe('CellDrafts', () => {
  it('keeps each cell’s code under the lesson’s key and brings it back', () => {
    const storage = new FakeStorage();
    const drafts = new CellDrafts(storage, '02-the-update-step');
    expect(drafts.get('update-step')).toBeUndefined();
    expect(drafts.save('update-step', 'let w = 1;', 'let w = 0;')).toEqual({ saved: true });
    expect(drafts.save('loss', 'mse()')).toEqual({ saved: true });
    expect(JSON.parse(storage.items.get(KEY)!)).toEqual({ 'update-step': 'let w = 1;', loss: 'mse()' });
    const again = new CellDrafts(storage, '02-the-update-step');
    expect(again.get('update-step')).toBe('let w = 1;');
    expect(again.get('loss')).toBe('mse()');
    expect(new CellDrafts(storage, '03-other').get('loss')).toBeUndefined();
  });

  it('forgets a cell whose code is the lesson’s again, and removes the entry when none is left', () => {
    const storage = new FakeStorage();
    const drafts = new CellDrafts(storage, '02-the-update-step');
    drafts.save('update-step', 'let w = 1;', 'let w = 0;');
    drafts.save('loss', 'mse()', 'x');
    expect(drafts.save('update-step', 'let w = 0;', 'let w = 0;')).toEqual({ saved: true });
    expect(drafts.get('update-step')).toBeUndefined();
    expect(JSON.parse(storage.items.get(KEY)!)).toEqual({ loss: 'mse()' });
    drafts.forget('loss');
    expect(storage.items.has(KEY)).toBe(false);
  });

  it('keys cells like __proto__ as plain names', () => {
    const storage = new FakeStorage();
    new CellDrafts(storage, 'l').save('__proto__', 'a');
    expect(new CellDrafts(storage, 'l').get('__proto__')).toBe('a');
    expect(new CellDrafts(storage, 'l').get('constructor')).toBeUndefined();
  });

  it('reads a corrupt entry as no drafts, leaves it alone, and replaces it on the next save', () => {
    for (const corrupt of ['{not json', '[1,2]', 'null', '"text"', '42']) {
      const storage = new FakeStorage();
      storage.items.set(KEY, corrupt);
      const drafts = new CellDrafts(storage, '02-the-update-step');
      expect(drafts.get('update-step')).toBeUndefined();
      expect(drafts.unreadable).toMatch(/could not be read/);
      drafts.forget('update-step');
      expect(storage.items.get(KEY)).toBe(corrupt);
      drafts.save('update-step', 'b');
      expect(JSON.parse(storage.items.get(KEY)!)).toEqual({ 'update-step': 'b' });
    }
  });

  it('drops stored values that are not text', () => {
    expect(readDrafts('{"a":"x","b":1,"c":null,"d":{}}')).toEqual(new Map([['a', 'x']]));
  });

  it('never throws when reading storage throws', () => {
    const storage = new FakeStorage();
    storage.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    expect(new CellDrafts(storage, 'l').get('a')).toBeUndefined();
  });

  it('says so when storage is full, keeps the edit in memory and what was saved before in storage', () => {
    const storage = new FakeStorage();
    const drafts = new CellDrafts(storage, '02-the-update-step');
    drafts.save('update-step', 'first');
    storage.full = true;
    expect(drafts.save('update-step', 'second')).toEqual({
      saved: false,
      message: 'Your edit could not be saved: the browser’s storage for this site is full. It stays here until you leave the page.',
    });
    expect(drafts.get('update-step')).toBe('second');
    expect(JSON.parse(storage.items.get(KEY)!)).toEqual({ 'update-step': 'first' });
    storage.full = false;
    expect(drafts.save('other', 'x')).toEqual({ saved: true });
    // The next successful save writes what storage held plus the new edit.
    expect(JSON.parse(storage.items.get(KEY)!)).toEqual({ 'update-step': 'first', other: 'x' });
  });

  it('does not save code longer than the cap, and keeps it in memory', () => {
    const storage = new FakeStorage();
    const drafts = new CellDrafts(storage, 'l');
    const long = 'x'.repeat(MAX_DRAFT_LENGTH + 1);
    const result = drafts.save('a', long);
    expect(result.saved).toBe(false);
    expect(!result.saved && result.message).toMatch(/longer than 100,000 characters/);
    expect(drafts.get('a')).toBe(long);
    expect(storage.items.has(draftsKey('l'))).toBe(false);
    expect(drafts.save('a', 'x'.repeat(MAX_DRAFT_LENGTH))).toEqual({ saved: true });
  });

  it('works without storage, keeping edits in memory', () => {
    const drafts = new CellDrafts(null, 'l');
    const result = drafts.save('a', 'code');
    expect(result.saved).toBe(false);
    expect(drafts.get('a')).toBe('code');
    drafts.forget('a');
    expect(drafts.get('a')).toBeUndefined();
  });

  it('round-trips any code through storage', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 40 }), (code, cell) => {
        const storage = new FakeStorage();
        expect(new CellDrafts(storage, 'l').save(cell, code)).toEqual({ saved: true });
        expect(new CellDrafts(storage, 'l').get(cell)).toBe(code);
      }),
    );
  });
});
