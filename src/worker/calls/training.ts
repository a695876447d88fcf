// The training family of the worker protocol (see ../protocol.ts): data, model and run, the live
// settings and the tools that train (the learning-rate finder). `configure` and `reset` start a run
// and say which (RunStart). Each request type fixes its payload and its reply.
import type { Hyperparams } from '../../ml/hyperparams';
import type { ModelSpec, ModelSummary } from '../../ml/modelSpec';
import type { LrFinderResult } from '../../ml/lrFinder';
import type { SessionState, SessionTuning, TaskSpec } from '../../ml/trainingTypes';
import type { Empty, RunStart } from './common';

export interface TrainingCalls {
  load: { request: { task: TaskSpec }; reply: { trainCount: number; validationCount: number; inputShape: number[]; outputUnits: number } };
  configure: { request: { spec: ModelSpec; hyper: Hyperparams; tuning?: SessionTuning }; reply: RunStart & { summary: ModelSummary } };
  train: { request: Empty; reply: { state: SessionState } };
  pause: { request: Empty; reply: { state: SessionState; step: number } };
  step: { request: Empty; reply: { state: SessionState; step: number } };
  reset: { request: Empty; reply: RunStart };
  setHyper: { request: { values: Record<string, unknown> }; reply: { messages: string[]; hyper: Hyperparams; step: number } };
  setHealth: { request: { on: boolean }; reply: { on: boolean } };
  setPace: { request: { stepsPerSecond: number }; reply: { stepsPerSecond: number } };
  findLearningRate: { request: { steps?: number; minLr?: number; maxLr?: number }; reply: LrFinderResult };
  weights: { request: Empty; reply: { values: Float32Array[] } };
  setWeights: { request: { values: Float32Array[] }; reply: { step: number } };
}
