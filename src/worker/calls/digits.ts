// The digits family of the worker protocol (see ../protocol.ts): the digit lessons' calls on the
// loaded MNIST digits (handled in ../digitLessonCalls.ts). Each request type fixes its payload and its reply.
import type { PixelDistance } from '../../ml/pixelSimilarity';
import type { LadderRungName, LadderSettings } from '../../ml/ladder/ladder';
import type { Empty } from './common';

export interface DigitCalls {
  validationImages: { request: { limit: number }; reply: { pixels: Uint8Array; labels: Uint8Array; count: number } };
  /** Lesson 6: each class's average digit (training split, 0–1) and the validation accuracy of the nearest average by each distance. */
  pixelBaseline: { request: Empty; reply: { averages: Float32Array; counts: Int32Array; accuracy: Record<PixelDistance, number>; trainCount: number; validationCount: number } };
  /** Lesson 6: the linear model trained by one rung of the abstraction ladder; each batch's loss. */
  ladderRung: { request: { rung: LadderRungName; settings: Partial<LadderSettings> }; reply: { losses: number[]; ms: number; settings: LadderSettings } };
  /** The model's class probabilities for every validation example (count × classes, row-major), in validationImages' order, with the labels. */
  validationProbabilities: { request: Empty; reply: { probabilities: Float32Array; labels: Uint8Array; count: number; classes: number } };
  /** A few training images, each with versions shifted and turned as augmentation does (see worker/augmentedSamples.ts). */
  augmentedSamples: { request: { count?: number; variants?: number; seed?: number }; reply: { pixels: Uint8Array; labels: Uint8Array; count: number; variants: number } };
}
