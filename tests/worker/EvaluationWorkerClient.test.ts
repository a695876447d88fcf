// The training worker's side of the evaluation worker (src/worker/EvaluationWorkerClient.ts): when it
// is used, what it sends, and what happens when the worker fails. A fake worker stands in.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EvaluationWorkerClient } from '../../src/worker/EvaluationWorkerClient';
import { MNIST_PRESETS } from '../../src/ml/modelSpec';
import type { TrainingData } from '../../src/ml/trainingTypes';
import type { BackendInfo } from '../../src/worker/protocol';
import type { EvaluationReply, EvaluationRequest } from '../../src/worker/evaluationProtocol';

const WASM = { name: 'wasm', threads: 1, reason: '', failed: [] } as unknown as BackendInfo;
const WEBGL = { ...WASM, name: 'webgl' } as BackendInfo;

function data(validationCount: number): TrainingData {
  const set = (count: number) => ({ x: new Float32Array(count * 784), y: new Int32Array(count), count });
  return { inputShape: [28, 28, 1], outputUnits: 10, loss: 'softmaxCrossEntropy', train: set(100), validation: set(validationCount) };
}

/** A worker that answers every evaluation with fixed figures, or never (`silent`). */
class FakeWorker {
  sent: EvaluationRequest[] = [];
  terminated = false;
  silent = false;
  onmessage: ((event: MessageEvent<EvaluationReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(request: EvaluationRequest) {
    this.sent.push(request);
    if (request.type === 'evaluate' && !this.silent) {
      queueMicrotask(() => this.onmessage?.({ data: { id: request.id, result: { loss: 0.5, accuracy: 0.9, durationMs: 4 } } } as MessageEvent<EvaluationReply>));
    }
  }
  terminate() {
    this.terminated = true;
  }
}

beforeEach(() => {
  vi.stubGlobal('Worker', class {});
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('evaluating on another thread', () => {
  it('is used for WebAssembly training of a real validation set on a machine with two cores or more', async () => {
    const fake = new FakeWorker();
    const create = () => fake as unknown as Worker;
    const client = new EvaluationWorkerClient(2, create);
    expect(client.forSession(MNIST_PRESETS.cnn, data(2000), WEBGL)).toBeUndefined();
    expect(new EvaluationWorkerClient(1, create).forSession(MNIST_PRESETS.cnn, data(2000), WASM)).toBeUndefined();
    expect(client.forSession(MNIST_PRESETS.cnn, data(100), WASM)).toBeUndefined();
    expect(fake.sent).toEqual([]);
    expect(client.forSession(MNIST_PRESETS.cnn, data(2000), WASM)).toBeDefined();
  });

  it('sends the validation set once, then only the weights to evaluate', async () => {
    const fake = new FakeWorker();
    const digits = data(2000);
    const client = new EvaluationWorkerClient(2, () => fake as unknown as Worker);
    client.forSession(MNIST_PRESETS.cnn, digits, WASM);
    const second = client.forSession(MNIST_PRESETS.mlp, digits, WASM)!;
    const weights = [new Float32Array([1, 2, 3])];
    expect(await second.evaluate(weights, true)).toEqual({ loss: 0.5, accuracy: 0.9, durationMs: 4 });
    const setups = fake.sent.filter((r) => r.type === 'setup');
    expect(setups.map((s) => [s.spec, s.validation?.count])).toEqual([[MNIST_PRESETS.cnn, 2000], [MNIST_PRESETS.mlp, undefined]]);
    const asked = fake.sent.find((r) => r.type === 'evaluate')!;
    expect(asked).toMatchObject({ setup: setups[1].setup, weights, withPredictions: true });
    // A session done with it frees its model there.
    second.release?.();
    expect(fake.sent.at(-1)).toEqual({ type: 'release', setup: setups[1].setup });
  });

  it('fails the evaluations waiting when the worker stops, and offers none after that', async () => {
    const fake = new FakeWorker();
    fake.silent = true;
    const client = new EvaluationWorkerClient(2, () => fake as unknown as Worker);
    const evaluator = client.forSession(MNIST_PRESETS.cnn, data(2000), WASM)!;
    const waiting = evaluator.evaluate([new Float32Array(1)], false);
    fake.onerror?.({ message: 'out of memory' } as ErrorEvent);
    await expect(waiting).rejects.toThrow(/evaluation worker stopped \(out of memory\)/);
    expect(fake.terminated).toBe(true);
    expect(client.forSession(MNIST_PRESETS.cnn, data(2000), WASM)).toBeUndefined();
  });

  it('gives up on a worker that does not answer', async () => {
    vi.useFakeTimers();
    const fake = new FakeWorker();
    fake.silent = true;
    const evaluator = new EvaluationWorkerClient(2, () => fake as unknown as Worker).forSession(MNIST_PRESETS.cnn, data(2000), WASM)!;
    const waiting = evaluator.evaluate([new Float32Array(1)], false);
    const failed = expect(waiting).rejects.toThrow(/no answer from the evaluation worker within 20 s/);
    await vi.advanceTimersByTimeAsync(20_000);
    await failed;
    expect(fake.terminated).toBe(true);
  });
});
