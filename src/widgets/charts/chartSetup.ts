import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Legend,
  Tooltip,
  ScatterController,
  type Plugin,
} from 'chart.js';
import { themeColour, watchTheme } from '../pageTheme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

type ScaleParts = Partial<Record<'grid' | 'border' | 'ticks' | 'title', { color?: unknown }>>;

/**
 * Text (ticks, titles, legend) and grid lines take the page theme's colours; every chart follows a
 * switch of theme at once. New charts read Chart.js's global defaults; a chart already drawn has
 * copied them into its scales' options when it was made, so those are repainted one by one.
 */
function applyTheme(): void {
  const text = themeColour('--color-muted', '#525a6c');
  const grid = themeColour('--color-plot-grid', '#e5e7eb');
  Chart.defaults.color = text;
  Chart.defaults.borderColor = grid;
  for (const chart of Object.values(Chart.instances)) {
    const scales = (chart.config.options?.scales ?? {}) as Record<string, ScaleParts | undefined>;
    for (const scale of Object.values(scales)) {
      if (scale?.grid) scale.grid.color = grid;
      if (scale?.border) scale.border.color = grid;
      if (scale?.ticks) scale.ticks.color = text;
      if (scale?.title) scale.title.color = text;
    }
    chart.update('none');
  }
}
applyTheme();
watchTheme(applyTheme);

export interface VerticalMarker {
  x: number;
  label: string;
}

/**
 * Draws labelled vertical lines (a hyperparameter change, a divergence) on a chart. Read from
 * `chart.options.plugins.markers.items`; small enough not to need chartjs-plugin-annotation.
 */
export const markerPlugin: Plugin<'line'> = {
  id: 'markers',
  afterDatasetsDraw(chart) {
    const items = ((chart.options.plugins as Record<string, unknown>).markers as { items?: VerticalMarker[] } | undefined)?.items ?? [];
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    if (!x || items.length === 0) return;
    ctx.save();
    ctx.strokeStyle = themeColour('--color-chart-marker', 'rgb(180 83 9 / 0.85)');
    ctx.fillStyle = themeColour('--color-chart-marker-text', '#92400e');
    ctx.font = '11px system-ui, sans-serif';
    ctx.setLineDash([4, 3]);
    items.forEach((item, i) => {
      const px = x.getPixelForValue(item.x);
      if (px < chartArea.left || px > chartArea.right) return;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(item.label, Math.min(px + 3, chartArea.right - ctx.measureText(item.label).width), chartArea.top + 12 + (i % 3) * 12);
    });
    ctx.restore();
  },
};

export { Chart };
