// A cell's output as the page shows it: printed lines grouped into text blocks, and each chart,
// picture and table in the order it first appeared, a chart filling in as points arrive. Kept
// within the same limits as the sandbox's outbox, whatever the sandbox sends. Pure and
// immutable (each update returns new blocks), so it is tested alone and Svelte redraws only what changed.
import type { CellOutputItem } from '../../sandbox/cellProtocol';
import type { Evaluation } from '../../ml/trainingTypes';
import type { LossPoint } from '../trainer/trainingHistory';

export const MAX_SHOWN_LINES = 2000;
export const MAX_SHOWN_POINTS = 5000;
export const MAX_SHOWN_PICTURES = 20;

export type Line = { level: 'log' | 'info' | 'warn' | 'error'; text: string };

export type OutputBlock =
  | { kind: 'text'; key: string; lines: Line[] }
  | { kind: 'chart'; key: string; title: string; xTitle: 'step' | 'epoch'; batchLosses: LossPoint[]; evaluations: Evaluation[]; points: number }
  | (Extract<CellOutputItem, { kind: 'images' }> & { key: string })
  | (Extract<CellOutputItem, { kind: 'table' }> & { key: string });

export type Figures = Record<string, number | string | boolean>;

export interface CellOutput {
  blocks: OutputBlock[];
  /** Figures for the lesson's checks: lab.report's, and the latest value of each chart series. */
  figures: Figures;
  lines: number;
  /** What arrived over the limits (a hostile or runaway cell), not shown. */
  dropped: number;
}

export const emptyOutput = (): CellOutput => ({ blocks: [], figures: {}, lines: 0, dropped: 0 });

function addLine(blocks: OutputBlock[], line: Line, key: string): OutputBlock[] {
  const last = blocks.at(-1);
  if (last?.kind === 'text') return [...blocks.slice(0, -1), { ...last, lines: [...last.lines, line] }];
  return [...blocks, { kind: 'text', key, lines: [line] }];
}

/** `output` with `items` added. */
export function addOutput(output: CellOutput, items: readonly CellOutputItem[]): CellOutput {
  let { blocks, lines, dropped } = output;
  const figures = { ...output.figures };
  let pictures = blocks.filter((block) => block.kind === 'images' || block.kind === 'table' || block.kind === 'chart').length;
  for (const item of items) {
    switch (item.kind) {
      case 'line':
        if (lines >= MAX_SHOWN_LINES) dropped++;
        else {
          lines++;
          blocks = addLine(blocks, { level: item.level, text: item.text }, `text-${blocks.length}`);
        }
        break;
      case 'report':
        Object.assign(figures, item.figures);
        break;
      case 'chart': {
        const key = `chart-${item.id}`;
        const index = blocks.findIndex((block) => block.key === key);
        const existing = index === -1 ? null : (blocks[index] as Extract<OutputBlock, { kind: 'chart' }>);
        if (!existing && pictures >= MAX_SHOWN_PICTURES) {
          dropped++;
          break;
        }
        const chart = existing ?? { kind: 'chart' as const, key, title: item.title, xTitle: item.xTitle, batchLosses: [], evaluations: [], points: 0 };
        const room = Math.max(0, MAX_SHOWN_POINTS - chart.points);
        const points = item.points.slice(0, room);
        dropped += item.points.length - points.length;
        const losses: LossPoint[] = [];
        const evaluations: Evaluation[] = [];
        for (const p of points) {
          if (p.loss !== undefined) losses.push({ step: p.x, epoch: p.x, loss: p.loss });
          if (p.valLoss !== undefined || p.accuracy !== undefined || p.valAccuracy !== undefined) {
            // The chart takes accuracy as a fraction, as the trainers' evaluations give it.
            evaluations.push({ step: p.x, epoch: p.x, trainLoss: Number.NaN, valLoss: p.valLoss, trainAccuracy: p.accuracy === undefined ? undefined : p.accuracy / 100, valAccuracy: p.valAccuracy === undefined ? undefined : p.valAccuracy / 100, endOfEpoch: true });
          }
          // Figures as the trainers report them: accuracy as a fraction (a check reads valAccuracy ≥ 0.97).
          if (p.loss !== undefined) figures.loss = p.loss;
          if (p.valLoss !== undefined) figures.valLoss = p.valLoss;
          if (p.accuracy !== undefined) figures.accuracy = p.accuracy / 100;
          if (p.valAccuracy !== undefined) figures.valAccuracy = p.valAccuracy / 100;
        }
        const next = { ...chart, batchLosses: losses.length ? [...chart.batchLosses, ...losses] : chart.batchLosses, evaluations: evaluations.length ? [...chart.evaluations, ...evaluations] : chart.evaluations, points: chart.points + points.length };
        if (existing) blocks = blocks.map((block, i) => (i === index ? next : block));
        else {
          pictures++;
          blocks = [...blocks, next];
        }
        break;
      }
      case 'images':
      case 'table':
        if (pictures >= MAX_SHOWN_PICTURES) dropped++;
        else {
          pictures++;
          blocks = [...blocks, { ...item, key: `${item.kind}-${blocks.length}` }];
        }
        break;
    }
  }
  return { blocks, figures, lines, dropped };
}
