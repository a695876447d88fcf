// The learner's classes and drawings for lesson 11, kept in the browser between visits. They are
// small (784 bytes a drawing, at most 5 × 100 drawings: about 0.55 MB as text), so localStorage
// holds them without a dependency; its writes are all-or-nothing, so when the storage is full the
// last good copy stays saved and the learner gets a notice.
import type { StorageLike } from '../../shared/storage';
import { parseDrawings, serializeDrawings } from '../../ml/drawingsFile';
import { MAX_CLASSES, MAX_PER_CLASS, checkClassName, type DrawingClass } from '../../ml/ownClassifier';

/** Bump with DRAWINGS_VERSION; an old copy is then reported, not misread. */
export const DRAWINGS_STORAGE_KEY = 'gradient-lab.own-drawings.v1';
/** The classes a learner starts with (renamable): tick, cross, circle. */
export const STARTING_CLASSES = ['✓', '✗', '○'];

export class OwnDrawings {
  #classes = $state.raw<DrawingClass[]>([]);
  #notice = $state<string | null>(null);
  #storage: StorageLike | null;

  constructor(storage: StorageLike | null) {
    this.#storage = storage;
    this.#classes = this.#load();
  }

  get classes(): DrawingClass[] {
    return this.#classes;
  }

  get total(): number {
    return this.#classes.reduce((sum, c) => sum + c.drawings.length, 0);
  }

  /** A storage problem the learner should know about (null when all is saved). */
  get notice(): string | null {
    return this.#notice;
  }

  /** Adds a class; returns why not (a bad or taken name, too many classes) or null. */
  addClass(name: string): string | null {
    if (this.#classes.length >= MAX_CLASSES) return `At most ${MAX_CLASSES} classes, please.`;
    const problem = checkClassName(name, this.#names());
    if (problem) return problem;
    this.#set([...this.#classes, { name: name.trim(), drawings: [] }]);
    return null;
  }

  rename(index: number, name: string): string | null {
    const problem = checkClassName(name, this.#names().filter((_, i) => i !== index));
    if (problem) return problem;
    this.#set(this.#classes.map((c, i) => (i === index ? { ...c, name: name.trim() } : c)));
    return null;
  }

  removeClass(index: number): void {
    this.#set(this.#classes.filter((_, i) => i !== index));
  }

  /** Adds a drawing (784 bytes) to class `index`; returns why not, or null. */
  addDrawing(index: number, pixels: Uint8Array): string | null {
    const target = this.#classes[index];
    if (!target) return 'That class no longer exists.';
    if (target.drawings.length >= MAX_PER_CLASS) return `“${target.name}” already has ${MAX_PER_CLASS} drawings, the most a class can hold.`;
    this.#set(this.#classes.map((c, i) => (i === index ? { ...c, drawings: [...c.drawings, pixels] } : c)));
    return null;
  }

  /** Takes back the last drawing of class `index`. */
  removeLastDrawing(index: number): void {
    this.#set(this.#classes.map((c, i) => (i === index ? { ...c, drawings: c.drawings.slice(0, -1) } : c)));
  }

  /** Removes every drawing, keeping the class names. */
  clearDrawings(): void {
    this.#set(this.#classes.map((c) => ({ ...c, drawings: [] })));
  }

  /** Replaces everything with a checked file's classes. */
  replaceAll(classes: DrawingClass[]): void {
    this.#set(classes);
  }

  exportText(): string {
    return serializeDrawings(this.#classes);
  }

  #names(): string[] {
    return this.#classes.map((c) => c.name);
  }

  #set(classes: DrawingClass[]): void {
    this.#classes = classes;
    if (!this.#storage) return;
    try {
      this.#storage.setItem(DRAWINGS_STORAGE_KEY, serializeDrawings(classes));
      this.#notice = null;
    } catch (error) {
      const full = error instanceof DOMException && (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED');
      this.#notice = full
        ? 'Your browser’s storage is full, so your latest change is not saved (what was saved before is kept). Export your drawings to a file to keep them.'
        : 'Your drawings could not be saved in this browser, so they will be gone after a reload. Export them to a file to keep them.';
    }
  }

  #load(): DrawingClass[] {
    const starting = STARTING_CLASSES.map((name) => ({ name, drawings: [] }));
    if (!this.#storage) {
      this.#notice = 'This browser does not let the page save anything, so your drawings last until you leave. Export them to keep them.';
      return starting;
    }
    let text: string | null;
    try {
      text = this.#storage.getItem(DRAWINGS_STORAGE_KEY);
    } catch {
      text = null;
    }
    if (text === null) return starting;
    const parsed = parseDrawings(text);
    if (parsed.ok) return parsed.classes;
    this.#notice = `Your saved drawings could not be read (${parsed.message}) They are left in storage until you change something here.`;
    return starting;
  }
}
