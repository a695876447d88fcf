// Lesson 10's trainer (src/widgets/digits/ErrorAnalysisState.svelte.ts): the finished run shows the
// analysis of its final weights, and nothing changes after it finished (issue 22, item 6); when
// that analysis fails, it says so and can try again.
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorAnalysisState } from '../../../src/widgets/digits/ErrorAnalysisState.svelte';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';
import { WorkerError } from '../../../src/worker/protocol';
import type { TrainingClient } from '../../../src/worker/TrainingClient';

beforeAll(useCpu);

const HYPER = { ...defaults(TRAINING_SCHEMA), optimizer: 'adam' as const, learningRate: 0.005, batchSize: 256, epochs: 1 };
/** The digits in this thread's tests (tests/worker/connect serves the asset under this name). */
const DIGITS = () => ({ kind: 'mnist' as const, url: 'mnist-10k.bin' });

describe('ErrorAnalysisState', () => {
  it('analyses the final weights as the run finishes, without waiting out the throttle', async () => {
    // Analyses while training at most once a minute: only the finish may skip the wait.
    const errors = new ErrorAnalysisState({ createClient: inThreadClient, refreshMs: 60_000, task: DIGITS, spec: MNIST_PRESETS.mlp, hyper: HYPER });
    await errors.start('cpu');
    expect(errors.trainer.status).toBe('ready');
    await errors.trainer.train();
    await until(() => errors.trainer.status === 'done', 120_000);
    await until(() => errors.analysis?.step === errors.trainer.progress.step, 10_000);
    expect(errors.awaitingFinal).toBe(false);
    const final = errors.analysis!;
    // The figures of the final weights, the same the finished line shows.
    expect(final.accuracy).toBeCloseTo(errors.trainer.progress.latestEvaluation!.valAccuracy!, 6);
    errors.dispose();
  }, 180_000);

  it('says why and offers to read again when the final analysis fails, instead of reading forever (issue 22)', async () => {
    // The worker answers the first analysis; asked again (the final one), it fails until allowed.
    let answered = 0;
    let allowed = false;
    const failures: Promise<unknown>[] = [];
    const createClient = (): TrainingClient => {
      const client = inThreadClient();
      const call = client.call.bind(client);
      client.call = ((type, request, options) => {
        if (type === 'validationProbabilities' && answered++ > 0 && !allowed) {
          const failure = Promise.reject(new WorkerError('The training worker crashed: out of memory.', 'internal'));
          failures.push(failure);
          return failure;
        }
        return call(type, request, options);
      }) as TrainingClient['call'];
      return client;
    };
    const errors = new ErrorAnalysisState({ createClient, refreshMs: 60_000, task: DIGITS, spec: MNIST_PRESETS.mlp, hyper: HYPER });
    await errors.start('cpu');
    await errors.trainer.train();
    await until(() => errors.trainer.status === 'done' && failures.length > 0, 120_000);
    await failures[0].catch(() => undefined); // the analysis has met the failure
    expect(errors.analysis).not.toBeNull(); // the first analysis, of earlier weights
    expect(errors.awaitingFinal).toBe(false);
    expect(errors.analysisError).toMatch(/crashed: out of memory/);

    allowed = true;
    errors.retryAnalysis();
    expect(errors.analysisError).toBeNull();
    await until(() => errors.analysis?.step === errors.trainer.progress.step, 30_000);
    expect(errors.awaitingFinal).toBe(false);
    expect(errors.analysisError).toBeNull();
    errors.dispose();
  }, 180_000);
});
