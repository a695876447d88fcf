// What a running cell shows, gathered in its worker and sent to the page in batches. Limits are
// applied here, at the source, so a cell that prints in an endless loop costs the page one
// message now and then instead of thousands a second (the page keeps its frames smooth), and the
// page checks them again on arrival (cellMessages.ts).
import type { CellChartPoint, CellOutputItem } from './cellProtocol';

/** Most printed lines one run sends; the rest are counted and said at the end. */
export const MAX_LINES = 2000;
/** Most points per chart; later ones are counted and said at the end. */
export const MAX_CHART_POINTS = 5000;
/** Most pictures, tables and charts one run shows. */
export const MAX_PICTURES = 20;
/** How often the batch goes out while the code runs. */
const FLUSH_MS = 50;
/** A batch this big goes out at once, even inside a loop that never yields. */
const FLUSH_ITEMS = 200;

export type OutboxPost = (items: CellOutputItem[], transfer: Transferable[]) => void;

export class CellOutbox {
  #post: OutboxPost;
  #pending: CellOutputItem[] = [];
  #transfer: Transferable[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lines = 0;
  #droppedLines = 0;
  #pictures = 0;
  #droppedPictures = 0;
  #chartPoints = new Map<number, number>();
  #droppedPoints = 0;
  // The first output of a run goes out at once (a line printed just before a loop that never yields).
  #flushedAt = Number.NEGATIVE_INFINITY;

  constructor(post: OutboxPost) {
    this.#post = post;
  }

  line(level: 'log' | 'info' | 'warn' | 'error', text: string): void {
    if (this.#lines >= MAX_LINES) {
      this.#droppedLines++;
      return;
    }
    this.#lines++;
    this.#add({ kind: 'line', level, text });
  }

  chart(id: number, title: string, xTitle: 'step' | 'epoch', point: CellChartPoint): void {
    const sent = this.#chartPoints.get(id) ?? 0;
    // A new chart counts as a picture, as the page counts it: a loop that makes charts must not
    // send an item each time (and a chart the page would leave out is said at the end).
    if (sent >= MAX_CHART_POINTS || (!this.#chartPoints.has(id) && this.#pictures >= MAX_PICTURES)) {
      this.#droppedPoints++;
      return;
    }
    if (!this.#chartPoints.has(id)) this.#pictures++;
    this.#chartPoints.set(id, sent + 1);
    // Points of one chart in a row travel as one item.
    const last = this.#pending.at(-1);
    if (last?.kind === 'chart' && last.id === id) {
      last.points.push(point);
      this.#soon();
    } else this.#add({ kind: 'chart', id, title, xTitle, points: [point] });
  }

  /** A picture or table; false when the run has shown as many as it may. */
  picture(item: Extract<CellOutputItem, { kind: 'images' | 'table' }>): boolean {
    if (this.#pictures >= MAX_PICTURES) {
      this.#droppedPictures++;
      return false;
    }
    this.#pictures++;
    if (item.kind === 'images') this.#transfer.push(item.pixels.buffer);
    this.#add(item);
    return true;
  }

  /**
   * Figures for the lesson's checks. Reports in a row travel as one (the latest value of each
   * figure), so a loop that reports at every step sends no more messages than one that prints
   * nothing: the page stops a run that sends too many (CellSandbox's MAX_MESSAGES_PER_SECOND).
   */
  report(figures: Record<string, number | string | boolean>): void {
    const last = this.#pending.at(-1);
    if (last?.kind === 'report') {
      Object.assign(last.figures, figures);
      this.#soon();
    } else this.#add({ kind: 'report', figures: { ...figures } });
  }

  /** Sends what is waiting, and says what the limits left out (at the end of a run). */
  flush(final = false): void {
    if (final) {
      const left: string[] = [];
      if (this.#droppedLines > 0) left.push(`${this.#droppedLines.toLocaleString('en')} more printed lines`);
      if (this.#droppedPoints > 0) left.push(`${this.#droppedPoints.toLocaleString('en')} more chart points`);
      if (this.#droppedPictures > 0) left.push(`${this.#droppedPictures} more pictures or tables`);
      if (left.length > 0) this.#pending.push({ kind: 'line', level: 'info', text: `Not shown: ${left.join(', ')} (a cell shows at most ${MAX_LINES.toLocaleString('en')} lines, ${MAX_CHART_POINTS.toLocaleString('en')} points a chart and ${MAX_PICTURES} pictures).` });
    }
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    this.#flushedAt = Date.now();
    const items = this.#pending;
    const transfer = this.#transfer;
    this.#pending = [];
    this.#transfer = [];
    this.#post(items, transfer);
  }

  #add(item: CellOutputItem): void {
    this.#pending.push(item);
    this.#soon();
  }

  /**
   * Sends at once what comes after a quiet spell (a line printed just before an endless loop must
   * show), or a full batch; otherwise within FLUSH_MS. Checked by the clock on every addition too:
   * a loop that never yields gets no timer, and would otherwise show nothing until it ends.
   */
  #soon(): void {
    if (this.#pending.length >= FLUSH_ITEMS || Date.now() - this.#flushedAt >= FLUSH_MS) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }
}
