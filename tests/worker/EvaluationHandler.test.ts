// Inside the evaluation worker (src/worker/EvaluationHandler.ts), on the cpu backend: it gives the
// figures an in-line pass gives for the same weights, refuses a replaced model, and frees what it built.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { buildModel } from '../../src/ml/models';
import { evaluateSet } from '../../src/ml/evaluation';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import { EvaluationHandler } from '../../src/worker/EvaluationHandler';
import type { EvaluationReply } from '../../src/worker/evaluationProtocol';
import { digitsTask, useCpu } from '../ml/helpers';

beforeAll(useCpu);

describe('the evaluation worker’s handler', () => {
  it('evaluates the weights it is sent as an in-line pass does, refuses a replaced model and frees its own', async () => {
    const data = await digitsTask(64, 300);
    const validation = data.validation!;
    const before = tf.memory().numTensors;
    const replies: EvaluationReply[] = [];
    const handler = new EvaluationHandler((reply) => replies.push(reply), async () => {});
    // The training side's model, with weights of its own (seed 9, not the handler's seed).
    const trained = buildModel(MNIST_PRESETS.mlp, data.inputShape, data.outputUnits, 9);
    const weights = trained.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    const expected = await evaluateSet(trained, data, validation, true);

    await handler.handle({ type: 'setup', setup: 1, spec: MNIST_PRESETS.mlp, inputShape: data.inputShape, outputUnits: data.outputUnits, loss: data.loss, validation });
    await handler.handle({ type: 'evaluate', id: 2, setup: 1, weights, withPredictions: true });
    const answer = replies[0] as Extract<EvaluationReply, { result: unknown }>;
    expect(answer.id).toBe(2);
    expect(answer.result.accuracy).toBe(expected.accuracy);
    expect(answer.result.loss).toBeCloseTo(expected.loss, 5);
    expect(Array.from(answer.result.predictions!)).toEqual(Array.from(expected.predictions!));

    // A new setup replaces the model (the validation set is kept); an evaluation for the old one is refused.
    await handler.handle({ type: 'setup', setup: 3, spec: MNIST_PRESETS.linear, inputShape: data.inputShape, outputUnits: data.outputUnits, loss: data.loss });
    await handler.handle({ type: 'evaluate', id: 4, setup: 1, weights, withPredictions: false });
    expect(replies[1]).toEqual({ id: 4, error: 'the model to evaluate was replaced' });
    await handler.handle({ type: 'release', setup: 3 });
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
