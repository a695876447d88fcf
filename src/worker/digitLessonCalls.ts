// Worker calls answered where the digits live: validation digits for galleries, and lesson 6's
// nearest-average baseline and abstraction-ladder rungs. TrainingHandler hands them its loaded data.
import { averageDigits, nearestAverageAccuracy, PIXEL_DISTANCES, type PixelDistance } from '../ml/pixelSimilarity';
import { ladderRun, ladderSettings, type LadderRun, type LadderRungName } from '../ml/ladder/ladder';
import { LADDER_RUNG_CODE } from '../ml/ladder/rungs';
import { digitImages, type MnistData } from '../ml/mnist';
import type { TrainingData } from '../ml/trainingTypes';
import { WorkerError, type Calls } from './protocol';

/** The loaded digits and their split, as the handler holds them. */
export interface LoadedDigits {
  mnist: MnistData | null;
  trainIndices: Int32Array | null;
  validationIndices: Int32Array | null;
  data: TrainingData | null;
}

/** The first `limit` validation digits as bytes, with their labels (for galleries and pads). */
export function validationImages({ mnist, validationIndices }: LoadedDigits, limit: number): Calls['validationImages']['reply'] {
  if (!mnist || !validationIndices) throw new WorkerError('The digits are not loaded.', 'noData');
  return digitImages(mnist, validationIndices, limit);
}

/** Average digits from the training split; the share of validation digits nearest their own class's average. */
export function pixelBaseline({ mnist, trainIndices, validationIndices }: LoadedDigits): Calls['pixelBaseline']['reply'] {
  if (!mnist || !trainIndices || !validationIndices) throw new WorkerError('The digits are not loaded.', 'noData');
  const model = averageDigits(mnist, trainIndices);
  const accuracy = {} as Record<PixelDistance, number>;
  for (const distance of PIXEL_DISTANCES) accuracy[distance] = nearestAverageAccuracy(mnist, validationIndices, model, distance);
  return { averages: model.averages, counts: model.counts, accuracy, trainCount: trainIndices.length, validationCount: validationIndices.length };
}

/** Trains the linear model with one rung on the run its settings describe; the losses and how long it took. */
export async function runLadderRung({ mnist, data }: LoadedDigits, request: Calls['ladderRung']['request']): Promise<Calls['ladderRung']['reply']> {
  if (!mnist || !data) throw new WorkerError('The digits are not loaded.', 'noData');
  const rung = LADDER_RUNG_CODE.get(request.rung as LadderRungName);
  if (!rung) throw new WorkerError(`There is no ladder rung "${String(request.rung)}".`, 'badRequest');
  const { settings, messages } = ladderSettings(request.settings ?? {});
  if (messages.length > 0) throw new WorkerError(messages.join(' '), 'badRequest');
  let run: LadderRun;
  try {
    run = ladderRun(data.train, settings);
  } catch (cause) {
    throw new WorkerError(cause instanceof Error ? cause.message : String(cause), 'badRequest');
  }
  const start = performance.now();
  const losses = await rung(run);
  return { losses, ms: performance.now() - start, settings };
}
