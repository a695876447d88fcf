// Shapes drawn by mouse on a digit pad, each a little different (lesson 11's own classes; the course test).
import type { Page } from 'playwright-core';
import { createRng } from '../../src/ml/random';

export type Shape = 'bar' | 'pole' | 'ring';
export const SHAPE_NAMES: Record<Shape, string> = { bar: '—', pole: '|', ring: 'O' };

const random = createRng(11);
const jitter = (amount: number) => (random() - 0.5) * 2 * amount;

/** Draws a shape by mouse on the pad (coordinates in 0…1 of the pad), with a little random jitter. */
export async function drawShape(page: Page, shape: Shape): Promise<void> {
  const pad = page.getByTestId('digit-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  const cx = 0.5 + jitter(0.08);
  const cy = 0.5 + jitter(0.08);
  const points: (readonly [number, number])[] = [];
  if (shape === 'bar' || shape === 'pole') {
    const half = 0.3 + jitter(0.05);
    const tilt = jitter(0.04);
    for (let t = -1; t <= 1.0001; t += 0.25) points.push(shape === 'bar' ? at(cx + t * half, cy + t * tilt) : at(cx + t * tilt, cy + t * half));
  } else {
    const r = 0.28 + jitter(0.05);
    for (let k = 0; k <= 24; k++) points.push(at(cx + r * Math.cos((k / 24) * 2 * Math.PI), cy + r * Math.sin((k / 24) * 2 * Math.PI)));
  }
  await page.mouse.move(...points[0]);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p[0], p[1], { steps: 2 });
  await page.mouse.up();
}
