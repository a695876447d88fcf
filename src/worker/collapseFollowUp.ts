// After a collapse the session puts back the weights of its best evaluation and pauses. The page
// would go on showing the last evaluation before the collapse, at chance; this measures the
// restored weights again so the learner sees what the model they now have scores.
import type { TrainingSession } from '../ml/TrainingSession';
import type { DivergenceReport, Evaluation } from '../ml/trainingTypes';
import { evaluateModel } from '../ml/evaluation';
import type { SessionTuning } from './protocol';

type Seen = Pick<Evaluation, 'epoch' | 'trainLoss' | 'trainAccuracy' | 'endOfEpoch'>;

export class CollapseFollowUp {
  /** What each evaluation of the run said besides the held-out figures (its epoch, its running training loss), by step. */
  readonly #seen = new Map<number, Seen>();

  note(e: Evaluation): void {
    // The first at a step: an end-of-epoch evaluation right after another has no running training loss.
    if (!this.#seen.has(e.step)) this.#seen.set(e.step, { epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, endOfEpoch: e.endOfEpoch });
  }

  /** The restored weights' evaluation, or null when this was no collapse or training went on meanwhile. */
  async measure(session: TrainingSession, report: DivergenceReport, tuning: SessionTuning): Promise<Evaluation | null> {
    // Training goes on from the restored step: what was seen after it belongs to the abandoned run.
    for (const step of this.#seen.keys()) if (step > report.restoredStep) this.#seen.delete(step);
    if (report.reason !== 'collapse') return null;
    // The best weights may be those of the very evaluation that called the collapse (never sent): the
    // session's step and epoch are still its own then, and it had no running training loss to show.
    const seen = this.#seen.get(report.restoredStep) ?? { epoch: session.epochsDone + session.epochProgress, trainLoss: Number.NaN, endOfEpoch: false };
    try {
      const options = { evaluateTrainingSet: tuning.evaluateTrainingSet ?? false, reportPredictions: tuning.reportPredictions ?? false };
      const measured = await session.inspect((model, data) => evaluateModel(model, data, options));
      if (session.state !== 'diverged' || session.step !== report.restoredStep) return null;
      return { step: report.restoredStep, ...seen, ...measured };
    } catch {
      return null; // disposed meanwhile: nothing to show
    }
  }
}
