// Questions only some lessons' widgets ask the worker: what the model's layers see, the digits
// themselves, the baseline and the ladder. They read; they never train the model in use.
// TrainerState holds one as `trainer.ask`, wired to its worker client.
import type { Calls } from '../../worker/protocol';
import type { FeatureMaps, Filters } from '../../ml/featureMaps';

export type Ask = <K extends keyof Calls>(type: K, request: Calls[K]['request'], transfer?: Transferable[]) => Promise<Calls[K]['reply']>;

export class LessonQueries {
  #ask: Ask;
  #ready: () => boolean;

  /** `ready`: whether there is a model to ask now (not while the engine starts or after it failed). */
  constructor(ask: Ask, ready: () => boolean) {
    this.#ask = ask;
    this.#ready = ready;
  }

  /** Each conv and pooling layer's output for one input, with the probabilities (null while there is no model to ask). */
  async featureMaps(x: Float32Array): Promise<FeatureMaps | null> {
    if (!this.#ready()) return null;
    return this.#ask('featureMaps', { x }, [x.buffer as ArrayBuffer]);
  }

  /** The first conv layer's kernels (null for a model without one). */
  filters(): Promise<Filters | null> {
    return this.#ask('filters', {});
  }

  /** Up to `limit` validation digits as bytes, with their labels, for galleries. */
  validationImages(limit: number): Promise<Calls['validationImages']['reply']> {
    return this.#ask('validationImages', { limit });
  }

  /** The model's probabilities for every validation example, with the labels (error analysis). */
  validationProbabilities(): Promise<Calls['validationProbabilities']['reply']> {
    return this.#ask('validationProbabilities', {});
  }

  /** A few training images, each with versions shifted and turned as data augmentation does (lesson 8). */
  augmentedSamples(count: number, variants: number, seed: number): Promise<Calls['augmentedSamples']['reply']> {
    return this.#ask('augmentedSamples', { count, variants, seed });
  }

  /** Lesson 6's baseline: each digit's average image and the nearest-average validation accuracy. */
  pixelBaseline(): Promise<Calls['pixelBaseline']['reply']> {
    return this.#ask('pixelBaseline', {});
  }

  /** Lesson 6's ladder: trains a separate linear model with one rung (raw tensors, minimize, fit); its losses. */
  runLadderRung(rung: Calls['ladderRung']['request']['rung'], settings: Calls['ladderRung']['request']['settings']): Promise<Calls['ladderRung']['reply']> {
    return this.#ask('ladderRung', { rung, settings });
  }

  // The health view (tools/HealthPanel.svelte): the worker's probes, its memory, a lost GPU on purpose.

  async setHealth(on: boolean): Promise<void> {
    await this.#ask('setHealth', { on });
  }

  memory(): Promise<Calls['memory']['reply']> {
    return this.#ask('memory', {});
  }

  /** Drops the WebGL context the way a GPU reset does; false where there is none. */
  async simulateContextLoss(): Promise<boolean> {
    return (await this.#ask('simulateContextLoss', {})).lost;
  }
}
