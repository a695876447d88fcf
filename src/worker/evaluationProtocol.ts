// Messages between the training worker and its evaluation worker (see EvaluationWorkerClient.ts).
import type { ModelSpec } from '../ml/modelSpec';
import type { LossKind } from '../ml/trainingTypes';

export type EvaluationRequest =
  | {
      type: 'setup';
      /** Names the model for the evaluations that follow. */
      setup: number;
      spec: ModelSpec;
      inputShape: number[];
      outputUnits: number;
      loss: LossKind;
      /** The validation set; left out when it is the one the worker already holds. */
      validation?: { x: Float32Array; y: Float32Array | Int32Array; count: number };
    }
  | { type: 'evaluate'; id: number; setup: number; weights: Float32Array[]; withPredictions: boolean }
  /** The session is done: its model is freed (the validation set is kept for the next). */
  | { type: 'release'; setup: number };

export type EvaluationReply =
  | { id: number; result: { loss: number; accuracy?: number; predictions?: Uint8Array; durationMs: number } }
  | { id: number; error: string };
