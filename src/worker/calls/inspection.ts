// The inspection family of the worker protocol (see ../protocol.ts): what the model in use makes
// of an input, layer by layer. Each request type fixes its payload and its reply.
import type { HiddenActivations } from '../../ml/trainingTypes';
import type { FeatureMaps, Filters } from '../../ml/featureMaps';
import type { Empty } from './common';

export interface InspectionCalls {
  predict: { request: { x: Float32Array; count: number }; reply: { values: Float32Array } };
  /** The last hidden layer's outputs and the output layer's weights (null without a hidden layer). */
  hiddenActivations: { request: { x: Float32Array; count: number }; reply: HiddenActivations | null };
  /** Each conv and pooling layer's output for one example, and the model's probabilities for it. */
  featureMaps: { request: { x: Float32Array }; reply: FeatureMaps };
  /** The first conv layer's kernels (null for a model without one). */
  filters: { request: Empty; reply: Filters | null };
}
