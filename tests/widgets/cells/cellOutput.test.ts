// The page's model of a cell's output: text blocks, charts filling in place, pictures and tables,
// the figures for the lesson's checks, and the limits held whatever the sandbox sends.
import { describe, expect, it } from 'vitest';
import type { CellOutputItem } from '../../../src/sandbox/cellProtocol';
import { addOutput, emptyOutput, MAX_SHOWN_LINES, MAX_SHOWN_PICTURES, MAX_SHOWN_POINTS, type OutputBlock } from '../../../src/widgets/cells/cellOutput';

const line = (text: string, level: 'log' | 'info' | 'warn' | 'error' = 'log'): CellOutputItem => ({ kind: 'line', level, text });
const image = (id: number): CellOutputItem => ({ kind: 'images', id, title: 'Digits', count: 1, height: 1, width: 1, channels: 1, pixels: new Uint8ClampedArray(1), labels: ['7'] });
const table = (id: number): CellOutputItem => ({ kind: 'table', id, title: '', columns: ['a'], rows: [[1]] });
const chart = (id: number, points: Extract<CellOutputItem, { kind: 'chart' }>['points']): CellOutputItem => ({ kind: 'chart', id, title: 'Loss', xTitle: 'step', points });
const chartOf = (block: OutputBlock | undefined) => {
  if (block?.kind !== 'chart') throw new Error(`expected a chart, got ${block?.kind}`);
  return block;
};

describe('addOutput', () => {
  it('groups lines in a row into one text block, across calls', () => {
    let output = addOutput(emptyOutput(), [line('a'), line('b', 'warn')]);
    output = addOutput(output, [line('c', 'error')]);
    output = addOutput(output, [table(1), line('d')]);
    expect(output.blocks.map((block) => block.kind)).toEqual(['text', 'table', 'text']);
    expect(output.blocks[0]).toMatchObject({ kind: 'text', lines: [{ level: 'log', text: 'a' }, { level: 'warn', text: 'b' }, { level: 'error', text: 'c' }] });
    expect(output.blocks[2]).toMatchObject({ kind: 'text', lines: [{ level: 'log', text: 'd' }] });
    expect(output.lines).toBe(4);
  });

  it('leaves the output it was given as it was', () => {
    const before = addOutput(emptyOutput(), [line('a'), chart(1, [{ x: 1, loss: 1 }])]);
    const copy = structuredClone(before);
    const after = addOutput(before, [line('b'), chart(1, [{ x: 2, loss: 0.5 }]), { kind: 'report', figures: { done: true } }]);
    expect(before).toEqual(copy);
    // Only what changed is new: the chart that filled in, not the text block before it.
    expect(after.blocks[0]).toBe(before.blocks[0]);
    expect(after.blocks[1]).not.toBe(before.blocks[1]);
  });

  it('fills a chart in place as its points arrive', () => {
    let output = addOutput(emptyOutput(), [chart(1, [{ x: 1, loss: 2 }, { x: 2, loss: 1.5 }])]);
    output = addOutput(output, [line('between'), chart(1, [{ x: 2, valLoss: 1.6, accuracy: 80, valAccuracy: 75 }, { x: 3, loss: 1 }])]);
    expect(output.blocks.map((block) => block.key)).toEqual(['chart-1', 'text-1']);
    const filled = chartOf(output.blocks[0]);
    expect(filled).toMatchObject({ title: 'Loss', xTitle: 'step', points: 4 });
    expect(filled.batchLosses).toEqual([
      { step: 1, epoch: 1, loss: 2 },
      { step: 2, epoch: 2, loss: 1.5 },
      { step: 3, epoch: 3, loss: 1 },
    ]);
    // Accuracy comes as a percentage and goes to the chart as a fraction, as the trainers give it.
    expect(filled.evaluations).toEqual([{ step: 2, epoch: 2, trainLoss: Number.NaN, valLoss: 1.6, trainAccuracy: 0.8, valAccuracy: 0.75, endOfEpoch: true }]);
  });

  it('keeps each chart apart', () => {
    const output = addOutput(emptyOutput(), [chart(1, [{ x: 1, loss: 1 }]), chart(2, [{ x: 1, loss: 9 }]), chart(1, [{ x: 2, loss: 0.5 }])]);
    expect(output.blocks.map((block) => block.key)).toEqual(['chart-1', 'chart-2']);
    expect(chartOf(output.blocks[0]).batchLosses.map((p) => p.loss)).toEqual([1, 0.5]);
    expect(chartOf(output.blocks[1]).batchLosses.map((p) => p.loss)).toEqual([9]);
  });

  it('takes the latest figure of each series (accuracy as a fraction, as the trainers report it), and lab.report\'s', () => {
    let output = addOutput(emptyOutput(), [chart(1, [{ x: 1, loss: 2, accuracy: 50 }, { x: 2, loss: 1, valLoss: 1.2, valAccuracy: 60 }])]);
    expect(output.figures).toEqual({ loss: 1, accuracy: 0.5, valLoss: 1.2, valAccuracy: 0.6 });
    output = addOutput(output, [{ kind: 'report', figures: { loss: 0.1, name: 'mse' } }, chart(2, [{ x: 1, accuracy: 90 }])]);
    expect(output.figures).toEqual({ loss: 0.1, accuracy: 0.9, valLoss: 1.2, valAccuracy: 0.6, name: 'mse' });
    output = addOutput(output, [chart(1, [{ x: 3, loss: 0.7 }]), { kind: 'report', figures: { passed: true } }]);
    expect(output.figures).toEqual({ loss: 0.7, accuracy: 0.9, valLoss: 1.2, valAccuracy: 0.6, name: 'mse', passed: true });
  });

  it('keeps 2,000 lines even when one message brings 3,000', () => {
    const output = addOutput(emptyOutput(), Array.from({ length: 3000 }, (_, i) => line(`${i}`)));
    expect(output.lines).toBe(MAX_SHOWN_LINES);
    expect(output.dropped).toBe(1000);
    const text = output.blocks[0];
    expect(text.kind === 'text' && text.lines.length).toBe(MAX_SHOWN_LINES);
    const more = addOutput(output, [line('late'), table(1)]);
    expect(more.lines).toBe(MAX_SHOWN_LINES);
    expect(more.dropped).toBe(1001);
    expect(more.blocks.map((block) => block.kind)).toEqual(['text', 'table']);
  });

  it('keeps 5,000 points a chart whatever the messages bring', () => {
    const points = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ x: from + i, loss: 1 }));
    let output = addOutput(emptyOutput(), [chart(1, points(0, 4000)), chart(1, points(4000, 4000))]);
    output = addOutput(output, [chart(1, points(8000, 10)), chart(2, points(0, 10))]);
    expect(chartOf(output.blocks[0]).points).toBe(MAX_SHOWN_POINTS);
    expect(chartOf(output.blocks[0]).batchLosses).toHaveLength(MAX_SHOWN_POINTS);
    expect(chartOf(output.blocks[0]).batchLosses.at(-1)?.step).toBe(MAX_SHOWN_POINTS - 1);
    expect(chartOf(output.blocks[1]).points).toBe(10);
    expect(output.dropped).toBe(3010);
  });

  it('shows at most 20 pictures, tables and charts together', () => {
    const items: CellOutputItem[] = [chart(1, [{ x: 1, loss: 1 }])];
    for (let i = 0; i < 30; i++) items.push(i % 2 ? image(i) : table(i));
    let output = addOutput(emptyOutput(), items);
    expect(output.blocks).toHaveLength(MAX_SHOWN_PICTURES);
    expect(output.dropped).toBe(11);
    // The chart already shown still fills in; a new one is left out.
    output = addOutput(output, [chart(1, [{ x: 2, loss: 0.5 }]), chart(99, [{ x: 1, loss: 1 }]), image(100)]);
    expect(output.blocks).toHaveLength(MAX_SHOWN_PICTURES);
    expect(chartOf(output.blocks[0]).points).toBe(2);
    expect(output.dropped).toBe(13);
  });

  it('gives every block its own key, even for a cell that repeats ids', () => {
    let output = addOutput(emptyOutput(), [image(5), image(5), line('a'), table(5), table(5)]);
    output = addOutput(output, [image(5), line('b'), chart(5, [{ x: 1 }]), line('c'), chart(5, [{ x: 2 }]), image(5)]);
    const keys = output.blocks.map((block) => block.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(output.blocks.map((block) => block.kind)).toEqual(['images', 'images', 'text', 'table', 'table', 'images', 'text', 'chart', 'text', 'images']);
  });
});
