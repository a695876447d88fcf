// The validation set's predicted probabilities with its labels: what error analysis (lesson 10)
// needs to build the confusion matrix and the top losses in the page. Kept out of
// TrainingHandler, which only routes the request here.
import type { TrainingSession } from '../ml/TrainingSession';
import { exampleSize } from '../ml/examples';
import type { TrainingData } from '../ml/trainingTypes';
import { WorkerError, type Calls } from './protocol';

/** Rows per predict call, so a large validation set never needs one huge input tensor. */
const CHUNK = 500;

export async function validationProbabilities(session: TrainingSession, data: TrainingData | null): Promise<Calls['validationProbabilities']['reply']> {
  const set = data?.validation;
  if (!data || !set) throw new WorkerError('There is no validation set to analyse.', 'noData');
  if (data.loss !== 'softmaxCrossEntropy' || data.outputUnits > 256) {
    throw new WorkerError('Error analysis needs a classifier with one output per class.', 'badRequest');
  }
  const classes = data.outputUnits;
  const size = exampleSize(data.inputShape);
  const probabilities = new Float32Array(set.count * classes);
  for (let start = 0; start < set.count; start += CHUNK) {
    const count = Math.min(CHUNK, set.count - start);
    // A copy: predict may hand the buffer on, and the data set must stay whole.
    const x = set.x.slice(start * size, (start + count) * size);
    probabilities.set(await session.predict(x, count), start * classes);
  }
  const labels = Uint8Array.from(set.y.subarray(0, set.count));
  return { probabilities, labels, count: set.count, classes };
}
