// Geometry and edits for the editable scatter plot: data ⇄ screen coordinates, which point a
// click hits, and adding / moving / deleting points. Pure functions on immutable point sets, so
// they are tested without a browser and every edit hands the widget a new set.
import type { Points1D } from '../../ml/toyData';

/** The data window a plot shows. */
export interface PlotView {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** The plot's drawing area in its own (SVG viewBox) units; y grows downwards as on screen. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function toScreen(view: PlotView, box: PlotBox, x: number, y: number): { sx: number; sy: number } {
  return {
    sx: box.left + ((x - view.xMin) / (view.xMax - view.xMin)) * box.width,
    sy: box.top + (1 - (y - view.yMin) / (view.yMax - view.yMin)) * box.height,
  };
}

export function toData(view: PlotView, box: PlotBox, sx: number, sy: number): { x: number; y: number } {
  return {
    x: view.xMin + ((sx - box.left) / box.width) * (view.xMax - view.xMin),
    y: view.yMin + (1 - (sy - box.top) / box.height) * (view.yMax - view.yMin),
  };
}

export function clampToView(view: PlotView, x: number, y: number): { x: number; y: number } {
  return { x: Math.min(view.xMax, Math.max(view.xMin, x)), y: Math.min(view.yMax, Math.max(view.yMin, y)) };
}

/** Rounds outwards to a step that gives about five gridlines. */
function niceStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10) * power;
}

function niceRange(lo: number, hi: number, minSpan: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  const mid = (lo + hi) / 2;
  const half = Math.max(hi - lo, minSpan) / 2;
  const pad = half * 0.12;
  const step = niceStep(2 * (half + pad));
  return [Math.floor((mid - half - pad) / step) * step, Math.ceil((mid + half + pad) / step) * step];
}

/**
 * A window that shows every point with a margin, on round numbers, and always includes
 * `include` (the generator's x range, say) so regenerated data keep the same frame.
 */
export function viewFor(points: Points1D, include: Partial<PlotView> = {}): PlotView {
  let xMin = include.xMin ?? Infinity;
  let xMax = include.xMax ?? -Infinity;
  let yMin = include.yMin ?? Infinity;
  let yMax = include.yMax ?? -Infinity;
  for (let i = 0; i < points.x.length; i++) {
    xMin = Math.min(xMin, points.x[i]);
    xMax = Math.max(xMax, points.x[i]);
    yMin = Math.min(yMin, points.y[i]);
    yMax = Math.max(yMax, points.y[i]);
  }
  const [x0, x1] = niceRange(xMin, xMax, 1e-6 + Math.abs(xMax) * 1e-3 + 0.5);
  const [y0, y1] = niceRange(yMin, yMax, 1e-6 + Math.abs(yMax) * 1e-3 + 0.5);
  return { xMin: x0, xMax: x1, yMin: y0, yMax: y1 };
}

/** Round gridline positions inside [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  const step = niceStep(hi - lo);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}

/**
 * The index of the point nearest to a screen position, if it lies within `radius` screen units;
 * otherwise -1. With several in reach, the nearest wins (the one drawn last on a tie).
 */
export function hitTest(points: Points1D, view: PlotView, box: PlotBox, sx: number, sy: number, radius: number): number {
  let best = -1;
  let bestDistance = radius * radius;
  for (let i = 0; i < points.x.length; i++) {
    const p = toScreen(view, box, points.x[i], points.y[i]);
    const d = (p.sx - sx) ** 2 + (p.sy - sy) ** 2;
    if (d <= bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

export function addPoint(points: Points1D, x: number, y: number): Points1D {
  const n = points.x.length;
  const nx = new Float32Array(n + 1);
  const ny = new Float32Array(n + 1);
  nx.set(points.x);
  ny.set(points.y);
  nx[n] = x;
  ny[n] = y;
  return { x: nx, y: ny };
}

export function movePoint(points: Points1D, index: number, x: number, y: number): Points1D {
  if (index < 0 || index >= points.x.length) return points;
  const nx = Float32Array.from(points.x);
  const ny = Float32Array.from(points.y);
  nx[index] = x;
  ny[index] = y;
  return { x: nx, y: ny };
}

export function removePoint(points: Points1D, index: number): Points1D {
  if (index < 0 || index >= points.x.length) return points;
  const keep = (_: number, i: number) => i !== index;
  return { x: points.x.filter(keep), y: points.y.filter(keep) };
}

/**
 * The part of the line y = m·x + b inside the window, as two data-space end points, or null when
 * it misses the window (a diverged line can be far off: drawing it clipped keeps SVG coordinates sane).
 */
export function clipLine(view: PlotView, slope: number, intercept: number): { x0: number; y0: number; x1: number; y1: number } | null {
  if (!Number.isFinite(slope) || !Number.isFinite(intercept)) return null;
  let lo = view.xMin;
  let hi = view.xMax;
  if (slope === 0) {
    if (intercept < view.yMin || intercept > view.yMax) return null;
  } else {
    const a = (view.yMin - intercept) / slope;
    const b = (view.yMax - intercept) / slope;
    lo = Math.max(lo, Math.min(a, b));
    hi = Math.min(hi, Math.max(a, b));
    if (!(lo <= hi)) return null;
  }
  return { x0: lo, y0: slope * lo + intercept, x1: hi, y1: slope * hi + intercept };
}
