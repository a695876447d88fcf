// Lesson 7's latency alone: `npx vite build && flock /tmp/browser.lock npx tsx bench/featureMaps.ts`.
// (`npm run bench` measures it too, with everything else.)
import { startApp } from '../tests/e2e/harness';
import { measureFeatureMapLatency, type FeatureMapLatency } from './widgetBench';

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function describeLatency(r: FeatureMapLatency): string {
  const max = (v: number[]) => Math.max(...v).toFixed(0);
  return (
    `lesson 7 feature maps (${r.backend}): stroke → maps drawn, median ${median(r.idleMs).toFixed(0)} ms (max ${max(r.idleMs)}) over ${r.idleMs.length} strokes with the model idle (target ≤ 50), ` +
    `median ${median(r.trainingMs).toFixed(0)} ms (max ${max(r.trainingMs)}) while it trains`
  );
}

if (process.argv[1]?.endsWith('featureMaps.ts')) {
  const app = await startApp();
  try {
    const r = await measureFeatureMapLatency(app);
    console.log(describeLatency(r));
    console.log(JSON.stringify(r));
  } finally {
    await app.close();
  }
}
