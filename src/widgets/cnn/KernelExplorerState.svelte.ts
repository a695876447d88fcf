import { ExerciseTracker } from '../trainer/ExerciseTracker.svelte';
import { settingsLink, startingSettings } from '../trainer/sharedSettings';
import { KERNEL_EXPLORER_LINK_SCHEMA, kernelOf, kernelSettings, lessonKernelSettings, type KernelExplorerSettings } from './cnnLinkSchemas';
import { kernelResponses, presetOf, type Kernel, type KernelResponses } from '../../ml/convolution';
import { DIGIT_SIDE } from '../../ml/preprocessDigit';
import type { DigitImages } from '../../ml/mnist';

export interface KernelExplorerOptions {
  /** The preset shown first (vertical, horizontal, blur, sharpen, identity). */
  preset?: string;
  /** How many validation digits to offer (1 to 12; 8 unless the lesson says). */
  digits?: number;
  exercises?: unknown;
  onexercise?: () => ((id: string) => void) | undefined;
  /** Where the digits are (the MNIST asset). */
  dataUrl: string;
  /** The page's hash: a shared link (`#/lesson/…?kernel-explorer.kernel=blur`) names another kernel or digit. */
  link?: string;
  /** Injectable for tests; the page's own fetch otherwise. */
  fetch?: typeof fetch;
}

/** Which digit is under the kernel: a validation digit's index, or the learner's drawing. */
export type DigitChoice = number | 'drawing';

const WIDGET = 'kernel-explorer';
const DIGIT_SIZE = DIGIT_SIDE * DIGIT_SIDE;

/**
 * Lesson 7's kernel explorer: one 3×3 kernel over a validation digit or the learner's drawing.
 * The few digits are decoded from the MNIST asset in the page (loadValidationDigits, imported
 * when first needed): nothing trains here, so no worker is started.
 */
export class KernelExplorerState {
  readonly digitCount: number;
  /** Messages about link settings that were out of range or unknown. */
  readonly notes: string[];
  /** The lesson's kernel and digit: what a shared link is made against. */
  readonly #lesson: KernelExplorerSettings;
  /** The digit a link (or the lesson) starts on, as an index into the gallery. */
  readonly #startDigit: number;
  readonly #dataUrl: string;
  readonly #fetch: typeof fetch | undefined;
  readonly #tracker: ExerciseTracker;
  #kernel = $state.raw<Kernel>([]);
  #gallery = $state.raw<DigitImages | null>(null);
  #loading = $state(false);
  #loadError = $state<string | null>(null);
  #chosen = $state<DigitChoice>(0);
  #drawing = $state.raw<Float32Array | null>(null);
  /** Bumped by every load and by dispose, so a late answer is dropped. */
  #generation = 0;
  #responses = $derived(kernelResponses(this.#kernel));
  #image = $derived.by(() => {
    if (this.#chosen === 'drawing') return this.#drawing;
    return this.#gallery ? this.digitPixels(this.#chosen) : null;
  });

  constructor(options: KernelExplorerOptions) {
    this.digitCount = Math.min(12, Math.max(1, Math.round(options.digits ?? 8)));
    const start = startingSettings(WIDGET, KERNEL_EXPLORER_LINK_SCHEMA, lessonKernelSettings(options.preset), options.link ?? '');
    this.#lesson = start.lesson;
    this.notes = start.messages;
    this.#kernel = kernelOf(start.settings);
    this.#startDigit = Math.min(start.settings.digit, this.digitCount) - 1;
    this.#chosen = this.#startDigit;
    this.#dataUrl = options.dataUrl;
    this.#fetch = options.fetch;
    this.#tracker = new ExerciseTracker(options.exercises, options.onexercise ?? (() => undefined));
  }

  get kernel(): Kernel { return this.#kernel; }
  get preset(): string { return presetOf(this.#kernel); }
  /** How strongly the kernel answers a vertical edge, a horizontal edge and flat ink. */
  get responses(): KernelResponses { return this.#responses; }
  /** The validation digits, once loaded. */
  get gallery(): DigitImages | null { return this.#gallery; }
  get loading(): boolean { return this.#loading; }
  /** Why the digits could not be loaded (the drawing pad still works), or null. */
  get loadError(): string | null { return this.#loadError; }
  get chosen(): DigitChoice { return this.#chosen; }
  get drawing(): Float32Array | null { return this.#drawing; }
  /** The picture under the kernel (pixels 0–1), or null while there is none. */
  get image(): Float32Array | null { return this.#image; }
  get exercisesDone() { return this.#tracker.done; }

  /** Validation digit `index`'s bytes (0–255), for its thumbnail. */
  digitBytes(index: number): Uint8Array {
    return this.#gallery ? this.#gallery.pixels.subarray(index * DIGIT_SIZE, (index + 1) * DIGIT_SIZE) : new Uint8Array(0);
  }

  /** Validation digit `index` scaled to 0–1, as the convolution takes it. */
  digitPixels(index: number): Float32Array {
    return Float32Array.from(this.digitBytes(index), (b) => b / 255);
  }

  /** Checks the exercises against the kernel shown first, and loads the digits. */
  async start(): Promise<void> {
    this.#checkExercises();
    await this.loadDigits();
  }

  /** Loads the validation digits; on failure says why and puts the drawing under the kernel. Again for "Try again". */
  async loadDigits(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    this.#loadError = null;
    try {
      const { loadValidationDigits } = await import('../../ml/mnist');
      const gallery = await loadValidationDigits(this.#dataUrl, this.digitCount, this.#fetch);
      if (generation !== this.#generation) return;
      this.#gallery = gallery;
      // After a failed first try, the digit the lesson or link named, unless the learner has drawn one.
      if (this.#chosen === 'drawing' && !this.#drawing) this.#chosen = this.#startDigit;
    } catch (error) {
      if (generation !== this.#generation) return;
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      this.#loadError = `Could not load the example digits (${reason}). Draw one on the pad instead, or try again.`;
      this.#chosen = 'drawing';
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  setKernel(kernel: Kernel): void {
    this.#kernel = kernel;
    this.#checkExercises();
  }

  /** Puts validation digit `index` (or the drawing, once there is one) under the kernel. */
  choose(choice: DigitChoice): void {
    if (choice === 'drawing' ? !this.#drawing : !this.#gallery || choice < 0 || choice >= this.#gallery.count) return;
    this.#chosen = choice;
  }

  /** The pad's latest drawing (null when cleared): it goes under the kernel as it is drawn. */
  draw(pixels: Float32Array | null): void {
    this.#drawing = pixels;
    if (pixels) this.#chosen = 'drawing';
  }

  /** A link to this lesson that opens this widget with the kernel and digit shown. */
  link(location: { origin: string; pathname: string; hash: string }): string {
    const digit = this.#chosen === 'drawing' ? this.#lesson.digit : this.#chosen + 1;
    return settingsLink(location, WIDGET, KERNEL_EXPLORER_LINK_SCHEMA, kernelSettings(this.#kernel, digit, this.#lesson), this.#lesson);
  }

  /** Drops any answer still on its way. */
  dispose(): void {
    this.#generation++;
  }

  #checkExercises(): void {
    this.#tracker.update({ preset: this.preset, ...this.#responses });
  }
}
