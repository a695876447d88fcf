// The worker's answers to "look inside the model" requests (lesson 7's feature maps and filters),
// kept out of TrainingHandler so that file stays about the session's life cycle.
import { featureMaps, firstLayerFilters, type FeatureMaps, type Filters } from '../ml/featureMaps';
import type { TrainingSession } from '../ml/TrainingSession';
import { WorkerError } from './protocol';

/** Each conv and pooling layer's output for one example, with the model's probabilities. */
export function featureMapsOf(session: TrainingSession, x: unknown): Promise<FeatureMaps> {
  return session.inspect((model, data) => {
    const size = data.inputShape.reduce((a, b) => a * b, 1);
    if (!(x instanceof Float32Array) || x.length !== size) {
      throw new WorkerError(`featureMaps needs one example of ${size} values.`, 'badRequest');
    }
    return featureMaps(model, data, x);
  });
}

/** The first conv layer's kernels, or null for a model without one. */
export function filtersOf(session: TrainingSession): Promise<Filters | null> {
  return session.inspect((model) => firstLayerFilters(model));
}
