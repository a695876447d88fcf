// Lesson 10's trainer (src/widgets/digits/ErrorAnalysisState.svelte.ts): the finished run shows the
// analysis of its final weights, and nothing changes after it finished (issue 22, item 6).
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorAnalysisState } from '../../../src/widgets/digits/ErrorAnalysisState.svelte';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';

beforeAll(useCpu);

describe('ErrorAnalysisState', () => {
  it('analyses the final weights as the run finishes, without waiting out the throttle', async () => {
    // Analyses while training at most once a minute: only the finish may skip the wait.
    const errors = new ErrorAnalysisState({ createClient: inThreadClient, refreshMs: 60_000 });
    const hyper = { ...defaults(TRAINING_SCHEMA), optimizer: 'adam' as const, learningRate: 0.005, batchSize: 256, epochs: 1 };
    await errors.start('cpu', 'mnist-10k.bin', MNIST_PRESETS.mlp, hyper);
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
});
