// What the digit trainer reports to a lesson's exercise checks, and how a challenge stands. Pure,
// so the checks of lesson 9 can be tested without a worker or a page.
import type { Figures } from '../../shared/exerciseCheck';
import type { Hyperparams } from '../../ml/hyperparams';
import type { Evaluation } from '../../ml/trainingTypes';

/**
 * The figures of one evaluation: its accuracies and losses, the (fractional) epoch it came at,
 * and the settings and model that produced it. A check such as
 * `{ valAccuracy: { min: 0.98 }, epoch: { max: 3 } }` reads these.
 */
export function mnistFigures(evaluation: Evaluation, hyper: Hyperparams, model: string): Figures {
  return {
    ...hyper,
    model,
    step: evaluation.step,
    epoch: evaluation.epoch,
    valAccuracy: evaluation.valAccuracy,
    trainAccuracy: evaluation.trainAccuracy,
    valLoss: evaluation.valLoss,
    trainLoss: evaluation.trainLoss,
  };
}

/** The evaluation with the best validation accuracy up to epoch `maxEpoch` (all of them when undefined). */
export function bestWithin(evaluations: readonly Evaluation[], maxEpoch: number | undefined): Evaluation | null {
  let best: Evaluation | null = null;
  for (const evaluation of evaluations) {
    if (evaluation.valAccuracy === undefined || (maxEpoch !== undefined && evaluation.epoch > maxEpoch)) continue;
    if (!best || evaluation.valAccuracy > best.valAccuracy!) best = evaluation;
  }
  return best;
}
