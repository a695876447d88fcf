// The digit pad's canvas work (DigitPad.svelte): painting the strokes at the screen's resolution,
// reading a pointer's position in pad units, and showing the 28×28 image the model reads.
import { DIGIT_SIDE } from '../../ml/preprocessDigit';
import type { PadPoint, Stroke } from './DigitPadStrokes.svelte';

/** The pad's 2-D context, set up for reading its pixels back often. */
export function padContext(target: HTMLCanvasElement): CanvasRenderingContext2D | null {
  return target.getContext('2d', { willReadFrequently: true });
}

/** Paints the strokes (in pad units, `size` across) with a round pen `penWidth` wide. */
export function paintStrokes(target: HTMLCanvasElement, strokes: readonly Stroke[], ink: string, size: number, penWidth: number): void {
  // Back the canvas with device pixels so strokes stay crisp on high-DPI screens.
  const side = Math.round(size * Math.min(3, Math.max(1, window.devicePixelRatio || 1)));
  if (target.width !== side) {
    target.width = side;
    target.height = side;
  }
  const ctx = padContext(target);
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, side, side);
  ctx.setTransform(side / size, 0, 0, side / size, 0, 0);
  ctx.strokeStyle = ctx.fillStyle = ink;
  ctx.lineWidth = penWidth;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of strokes) {
    ctx.beginPath();
    if (stroke.length === 1) {
      ctx.arc(stroke[0].x, stroke[0].y, penWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.moveTo(stroke[0].x, stroke[0].y);
    for (const p of stroke.slice(1)) ctx.lineTo(p.x, p.y);
    ctx.stroke();
  }
}

/** Where a pointer is on the pad, in pad units (`size` across), whatever size the pad is shown at. */
export function padPoint(target: HTMLCanvasElement, e: PointerEvent, size: number): PadPoint {
  const rect = target.getBoundingClientRect();
  return { x: ((e.clientX - rect.left) * size) / rect.width, y: ((e.clientY - rect.top) * size) / rect.height };
}

/** Shows the model's 28×28 input (0…1, ink = 1) as dark ink on white; an empty image when there is none. */
export function paintModelInput(target: HTMLCanvasElement, input: Float32Array | null): void {
  const ctx = target.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(DIGIT_SIDE, DIGIT_SIDE);
  for (let i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++) {
    const shade = 255 - Math.round((input?.[i] ?? 0) * 255);
    image.data.set([shade, shade, shade, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** The index of the largest value (the class a model reads). */
export function argmax(values: Float32Array): number {
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[index]) index = i;
  return index;
}
