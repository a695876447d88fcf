// What the learner has drawn on the digit pad, kept as strokes (not pixels) so Undo can take
// back exactly the last one and the pad can be redrawn crisply at any resolution.

/** A point in pad coordinates: 0..size on both axes, whatever size the canvas is shown at. */
export interface PadPoint {
  x: number;
  y: number;
}

export type Stroke = readonly PadPoint[];

/** Points closer than this (pad units) to the previous one add nothing but work for the redraw. */
const MIN_STEP = 0.5;

export class DigitPadStrokes {
  // Replaced wholesale on every change, so the canvas redraws from one reactive value.
  #strokes = $state.raw<readonly Stroke[]>([]);
  #drawing = false;

  /** Every stroke so far, oldest first; a stroke in progress is the last one. */
  get strokes(): readonly Stroke[] {
    return this.#strokes;
  }

  get isEmpty(): boolean {
    return this.#strokes.length === 0;
  }

  /** True between `begin` and `end`: the pen is down. */
  get isDrawing(): boolean {
    return this.#drawing;
  }

  /** Pen down: starts a new stroke (a single point draws a dot). */
  begin(point: PadPoint): void {
    this.#strokes = [...this.#strokes, [{ ...point }]];
    this.#drawing = true;
  }

  /** Pen moved: adds points to the stroke in progress. Returns whether anything changed. */
  extend(...points: PadPoint[]): boolean {
    if (!this.#drawing || this.#strokes.length === 0) return false;
    const current = this.#strokes[this.#strokes.length - 1];
    const added: PadPoint[] = [];
    let last = current[current.length - 1];
    for (const p of points) {
      if (Math.hypot(p.x - last.x, p.y - last.y) < MIN_STEP) continue;
      last = { ...p };
      added.push(last);
    }
    if (added.length === 0) return false;
    this.#strokes = [...this.#strokes.slice(0, -1), [...current, ...added]];
    return true;
  }

  /** Pen up. */
  end(): void {
    this.#drawing = false;
  }

  /** Removes the last stroke (ending it if the pen is still down). Returns whether there was one. */
  undo(): boolean {
    this.#drawing = false;
    if (this.#strokes.length === 0) return false;
    this.#strokes = this.#strokes.slice(0, -1);
    return true;
  }

  /** Replaces the drawing with these strokes (e.g. a held-out digit traced by strokesFromDigit). */
  replace(strokes: readonly Stroke[]): void {
    this.#drawing = false;
    this.#strokes = strokes.map((stroke) => stroke.map((p) => ({ ...p })));
  }

  clear(): void {
    this.#drawing = false;
    if (this.#strokes.length > 0) this.#strokes = [];
  }
}
