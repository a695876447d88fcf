// The cell's outbox: batches by size and by the clock, and the limits applied at the source.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CellOutbox, MAX_CHART_POINTS, MAX_LINES, MAX_PICTURES } from '../../src/sandbox/CellOutbox';
import type { CellOutputItem } from '../../src/sandbox/cellProtocol';

let posts: { items: CellOutputItem[]; transfer: Transferable[] }[];
let outbox: CellOutbox;

beforeEach(() => {
  vi.useFakeTimers();
  posts = [];
  outbox = new CellOutbox((items, transfer) => posts.push({ items, transfer }));
  // A run's first output goes out at once (tested below); the batching tests start after it.
  outbox.report({ started: true });
  posts = [];
});

afterEach(() => {
  vi.useRealTimers();
});

const allItems = () => posts.flatMap((post) => post.items);
const image = (id: number): Extract<CellOutputItem, { kind: 'images' }> => ({ kind: 'images', id, title: '', count: 1, height: 2, width: 2, channels: 1, pixels: new Uint8ClampedArray(4), labels: [] });
const table = (id: number): Extract<CellOutputItem, { kind: 'table' }> => ({ kind: 'table', id, title: '', columns: ['a'], rows: [[1]] });

describe('CellOutbox batches', () => {
  it('sends a run\'s first output at once, so a line printed before an endless loop shows', () => {
    const fresh: CellOutputItem[][] = [];
    const first = new CellOutbox((items) => fresh.push(items));
    first.line('log', 'looping');
    expect(fresh).toEqual([[{ kind: 'line', level: 'log', text: 'looping' }]]);
    // What follows within 50 ms waits for the batch.
    first.line('log', 'again');
    expect(fresh).toHaveLength(1);
  });

  it('sends a batch at once when it reaches 200 items', () => {
    for (let i = 0; i < 199; i++) outbox.line('log', `${i}`);
    expect(posts).toHaveLength(0);
    outbox.line('log', '199');
    expect(posts).toHaveLength(1);
    expect(posts[0].items).toHaveLength(200);
    expect(posts[0].items[199]).toEqual({ kind: 'line', level: 'log', text: '199' });
    // The timer went with it: nothing more goes out until something new arrives.
    vi.advanceTimersByTime(1000);
    expect(posts).toHaveLength(1);
  });

  it('sends what waits 50 ms after the first item', () => {
    outbox.line('log', 'a');
    vi.advanceTimersByTime(30);
    outbox.line('warn', 'b');
    vi.advanceTimersByTime(19);
    expect(posts).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(posts).toEqual([{ items: [{ kind: 'line', level: 'log', text: 'a' }, { kind: 'line', level: 'warn', text: 'b' }], transfer: [] }]);
    outbox.line('log', 'c');
    vi.advanceTimersByTime(50);
    expect(posts).toHaveLength(2);
    expect(posts[1].items).toEqual([{ kind: 'line', level: 'log', text: 'c' }]);
  });

  it('sends by the clock inside a loop that never lets the timer fire', () => {
    outbox.line('log', 'a');
    // Time passes but the worker never yields: no timer runs.
    vi.setSystemTime(Date.now() + 150);
    expect(posts).toHaveLength(0);
    outbox.line('log', 'b');
    expect(posts).toHaveLength(1);
    expect(posts[0].items.map((item) => item.kind === 'line' && item.text)).toEqual(['a', 'b']);
  });

  it('sends nothing for an empty flush', () => {
    outbox.flush();
    outbox.flush(true);
    expect(posts).toHaveLength(0);
  });

  it('hands over the images\' pixels to transfer', () => {
    const first = image(1);
    const second = image(2);
    outbox.picture(first);
    outbox.picture(table(3));
    outbox.picture(second);
    outbox.flush();
    expect(posts[0].transfer).toEqual([first.pixels.buffer, second.pixels.buffer]);
  });

  it('merges points of one chart in a row into one item', () => {
    outbox.chart(1, 'Loss', 'step', { x: 1, loss: 1 });
    outbox.chart(1, 'Loss', 'step', { x: 2, loss: 0.5 });
    outbox.chart(2, 'Other', 'epoch', { x: 1, valLoss: 3 });
    outbox.chart(1, 'Loss', 'step', { x: 3, loss: 0.25 });
    outbox.line('log', 'between');
    outbox.chart(1, 'Loss', 'step', { x: 4, loss: 0.125 });
    outbox.chart(1, 'Loss', 'step', { x: 5 });
    outbox.flush();
    expect(allItems()).toEqual([
      { kind: 'chart', id: 1, title: 'Loss', xTitle: 'step', points: [{ x: 1, loss: 1 }, { x: 2, loss: 0.5 }] },
      { kind: 'chart', id: 2, title: 'Other', xTitle: 'epoch', points: [{ x: 1, valLoss: 3 }] },
      { kind: 'chart', id: 1, title: 'Loss', xTitle: 'step', points: [{ x: 3, loss: 0.25 }] },
      { kind: 'line', level: 'log', text: 'between' },
      { kind: 'chart', id: 1, title: 'Loss', xTitle: 'step', points: [{ x: 4, loss: 0.125 }, { x: 5 }] },
    ]);
  });

  it('merges reports in a row into one item, the latest value of each figure kept', () => {
    for (let step = 0; step < 10_000; step++) outbox.report({ step, loss: 1 / (step + 1) });
    outbox.report({ done: true });
    outbox.flush();
    expect(allItems()).toEqual([{ kind: 'report', figures: { step: 9999, loss: 1 / 10_000, done: true } }]);
  });

  it('starts a new chart item after a batch went out', () => {
    outbox.chart(1, 'Loss', 'step', { x: 1 });
    vi.advanceTimersByTime(50);
    outbox.chart(1, 'Loss', 'step', { x: 2 });
    outbox.flush();
    expect(posts.map((post) => post.items)).toEqual([[{ kind: 'chart', id: 1, title: 'Loss', xTitle: 'step', points: [{ x: 1 }] }], [{ kind: 'chart', id: 1, title: 'Loss', xTitle: 'step', points: [{ x: 2 }] }]]);
  });
});

describe('CellOutbox limits', () => {
  it('sends at most 2,000 lines and says how many more there were', () => {
    for (let i = 0; i < MAX_LINES + 500; i++) outbox.line('log', `${i}`);
    outbox.flush(true);
    const lines = allItems();
    expect(lines).toHaveLength(MAX_LINES + 1);
    expect(lines[MAX_LINES - 1]).toEqual({ kind: 'line', level: 'log', text: `${MAX_LINES - 1}` });
    expect(lines.at(-1)).toEqual({ kind: 'line', level: 'info', text: 'Not shown: 500 more printed lines (a cell shows at most 2,000 lines, 5,000 points a chart and 20 pictures).' });
  });

  it('keeps 5,000 points a chart, each chart on its own', () => {
    for (let i = 0; i < MAX_CHART_POINTS + 1500; i++) outbox.chart(1, 'A', 'step', { x: i, loss: 1 });
    for (let i = 0; i < 10; i++) outbox.chart(2, 'B', 'step', { x: i });
    outbox.flush(true);
    const items = allItems();
    const points = (id: number) => items.flatMap((item) => (item.kind === 'chart' && item.id === id ? item.points : []));
    expect(points(1)).toHaveLength(MAX_CHART_POINTS);
    expect(points(1).at(-1)).toEqual({ x: MAX_CHART_POINTS - 1, loss: 1 });
    expect(points(2)).toHaveLength(10);
    expect(items.at(-1)).toMatchObject({ kind: 'line', level: 'info', text: expect.stringMatching(/^Not shown: 1,500 more chart points \(/) });
  });

  it('shows at most 20 pictures and tables together', () => {
    const shown: boolean[] = [];
    for (let i = 0; i < MAX_PICTURES + 3; i++) shown.push(outbox.picture(i % 2 ? table(i) : image(i)));
    outbox.flush(true);
    expect(shown.filter(Boolean)).toHaveLength(MAX_PICTURES);
    expect(shown.slice(MAX_PICTURES)).toEqual([false, false, false]);
    const items = allItems();
    expect(items.filter((item) => item.kind === 'images' || item.kind === 'table')).toHaveLength(MAX_PICTURES);
    // No pixels of a picture left out are handed over.
    expect(posts.flatMap((post) => post.transfer)).toHaveLength(MAX_PICTURES / 2);
    expect(items.at(-1)).toMatchObject({ kind: 'line', text: expect.stringMatching(/^Not shown: 3 more pictures or tables \(/) });
  });

  it('names everything left out in one line, and nothing when nothing was', () => {
    for (let i = 0; i < MAX_LINES + 1; i++) outbox.line('log', 'x');
    for (let i = 0; i < MAX_CHART_POINTS + 2; i++) outbox.chart(1, 'A', 'step', { x: i });
    for (let i = 0; i < MAX_PICTURES + 1; i++) outbox.picture(table(i));
    outbox.flush(true);
    // The chart took one of the 20 places.
    expect(allItems().at(-1)).toMatchObject({ kind: 'line', text: expect.stringMatching(/^Not shown: 1 more printed lines, 2 more chart points, 2 more pictures or tables \(/) });

    posts = [];
    const quiet = new CellOutbox((items) => posts.push({ items, transfer: [] }));
    quiet.line('log', 'only');
    quiet.flush(true);
    expect(allItems()).toEqual([{ kind: 'line', level: 'log', text: 'only' }]);
  });

  it('counts charts among the 20 pictures, as the page does', () => {
    for (let i = 0; i < MAX_PICTURES - 1; i++) outbox.picture(image(i));
    outbox.chart(100, 'Loss', 'step', { x: 1 });
    outbox.chart(100, 'Loss', 'step', { x: 2 });
    expect(outbox.picture(table(101))).toBe(false);
    outbox.chart(102, 'Another', 'step', { x: 1 });
    outbox.flush(true);
    const items = allItems();
    expect(items.filter((item) => item.kind === 'chart')).toEqual([{ kind: 'chart', id: 100, title: 'Loss', xTitle: 'step', points: [{ x: 1 }, { x: 2 }] }]);
    expect(items.at(-1)).toMatchObject({ kind: 'line', text: expect.stringMatching(/^Not shown: 1 more chart points, 1 more pictures or tables \(/) });
  });

  it('sends a bounded output for a loop that makes a new chart each time', () => {
    for (let i = 0; i < 100_000; i++) outbox.chart(i, 'Loss', 'step', { x: i, loss: 1 });
    outbox.flush(true);
    expect(posts.length).toBeLessThanOrEqual(2);
    expect(allItems().filter((item) => item.kind === 'chart')).toHaveLength(MAX_PICTURES);
  });

  it('keeps reports out of the limits', () => {
    for (let i = 0; i < MAX_LINES; i++) outbox.line('log', 'x');
    outbox.report({ loss: 1 });
    outbox.flush(true);
    expect(allItems().at(-1)).toEqual({ kind: 'report', figures: { loss: 1 } });
  });
});
