import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TrainerState } from '../../../src/widgets/trainer/TrainerState.svelte';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../../src/ml/hyperparams';
import type { StepProgress, TrainingData } from '../../../src/ml/trainingTypes';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from './inThreadClient';
import { connect } from '../../worker/connect';

beforeAll(useCpu);

/** y = 2x − 1 on 64 points: a line the model can learn in a few steps. */
function lineData(): TrainingData {
  const x = Float32Array.from({ length: 64 }, (_, i) => i / 32 - 1);
  const y = x.map((v) => 2 * v - 1);
  return { inputShape: [1], outputUnits: 1, loss: 'meanSquaredError', train: { x, y, count: 64 }, validation: { x, y, count: 64 } };
}

const hyper = (overrides: Partial<Hyperparams> = {}): Hyperparams => ({ ...defaults(TRAINING_SCHEMA), optimizer: 'sgd', learningRate: 0.1, batchSize: 16, epochs: 5, ...overrides });

async function started(overrides: Partial<Hyperparams> = {}): Promise<TrainerState> {
  const trainer = new TrainerState({ createClient: inThreadClient, uiIntervalMs: 20 });
  await trainer.start('cpu', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper(overrides), { evaluationsPerEpoch: 1 });
  return trainer;
}

describe('TrainerState', () => {
  it('shows the first step after Train at once, and batches the later ones for the page', async () => {
    const trainer = new TrainerState({ createClient: inThreadClient, uiIntervalMs: 60_000 });
    await trainer.start('cpu', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper({ epochs: 1 }), { evaluationsPerEpoch: 1 });
    const batches: number[][] = [];
    trainer.progress.onSteps((steps) => batches.push(steps.map((p) => p.step)));
    await trainer.train();
    await until(() => trainer.status === 'done' && trainer.progress.step === 4);
    // Step 1 on its own; the report of steps 2–4 waited for the interval and came with the epoch's evaluation.
    expect(batches).toEqual([[1], [4]]);
    trainer.dispose();
  });

  it('starts, trains to the end, and hands every step report to onSteps in the batches the page draws', async () => {
    const before = tf.memory().numTensors;
    const trainer = await started();
    expect(trainer.status).toBe('ready');
    expect(trainer.backend?.name).toBe('cpu');
    expect(trainer.summary?.totalParams).toBe(2);
    const batches: (readonly StepProgress[])[] = [];
    trainer.progress.onSteps((steps) => batches.push(steps));
    await trainer.train();
    await until(() => trainer.status === 'done');
    await until(() => trainer.progress.step === 20); // 5 epochs × 64 / 16
    expect(batches.flat().at(-1)!.step).toBe(20);
    expect(trainer.progress.batchLosses).toHaveLength(20);
    expect(trainer.progress.evaluations.at(-1)!.valLoss!).toBeLessThan(trainer.progress.evaluations[0].valLoss!);
    trainer.dispose();
    await until(() => tf.memory().numTensors === before);
  });

  it('aims at the settings’ epochs, and after the run finished, Train goes on from the same weights towards a target that grew', async () => {
    const trainer = await started({ epochs: 2 });
    expect(trainer.progress.epochTarget(2)).toBe(2);
    await trainer.train();
    await until(() => trainer.status === 'done');
    await until(() => trainer.progress.step === 8); // 2 epochs × 64 / 16
    expect(trainer.progress.epochTarget(2)).toBe(2);
    const lossAtFinish = trainer.progress.evaluations.at(-1)!.valLoss!;
    await trainer.train();
    expect(trainer.progress.epochTarget(2)).toBe(4);
    await until(() => trainer.status === 'done' && trainer.progress.step === 16);
    expect(trainer.progress.epoch).toBeCloseTo(4);
    expect(trainer.progress.evaluations.at(-1)!.valLoss!).toBeLessThan(lossAtFinish); // went on, not from scratch
    await trainer.reset();
    expect(trainer.progress.epochTarget(2)).toBe(2);
    trainer.dispose();
  });

  it('queues settings changes in order, returns the schema’s messages, and holds what the worker checked', async () => {
    const trainer = await started();
    const [first, second] = await Promise.all([trainer.changeSettings({ learningRate: 1e9 }), trainer.changeSettings({ batchSize: 8 })]);
    expect(first.join(' ')).toMatch(/changed to 10/);
    expect(second).toEqual([]);
    expect(trainer.hyper).toMatchObject({ learningRate: 10, batchSize: 8 });
    trainer.dispose();
  });

  it('tells onDivergence listeners when the guard restores a blown-up run', async () => {
    const trainer = await started({ learningRate: 10, epochs: 50 });
    const reports: number[] = [];
    trainer.progress.onDivergence((report) => reports.push(report.restoredStep));
    await trainer.train();
    await until(() => trainer.status === 'diverged');
    expect(reports).toHaveLength(1);
    expect(trainer.progress.divergence?.restoredStep).toBe(reports[0]);
    expect(trainer.progress.markers.at(-1)?.label).toBe('diverged → restored');
    trainer.dispose();
  });

  it('reads and writes the model’s weights, and a reset starts a new run that keeps the old one for comparison', async () => {
    const trainer = await started();
    await trainer.writeWeights([Float32Array.of(2), Float32Array.of(-1)]);
    expect((await trainer.readWeights()).map((w) => Array.from(w))).toEqual([[2], [-1]]);
    await trainer.stepOnce();
    await until(() => trainer.progress.step === 1);
    const runId = trainer.progress.runId;
    await trainer.reset();
    expect(trainer.progress.runId).toBeGreaterThan(runId);
    expect(trainer.progress.step).toBe(0);
    expect(trainer.progress.runs).toHaveLength(1);
    trainer.dispose();
  });

  it('keeps each run in the history under the settings it trained with, and the changes made while it trained (issue 22, item 2)', async () => {
    const trainer = await started({ learningRate: 0.1, epochs: 1 });
    await trainer.train();
    await until(() => trainer.status === 'done');
    // As in lesson 9: after a run, a new rate from the finder, then Reset and Train.
    await trainer.changeSettings({ learningRate: 0.05 });
    await trainer.reset();
    await trainer.train();
    await until(() => trainer.status === 'done');
    // A change while the second run trains.
    await trainer.changeSettings({ learningRate: 0.02, epochs: 2 });
    await trainer.train();
    await until(() => trainer.status === 'done' && trainer.progress.step > 4);
    await trainer.changeSettings({ learningRate: 0.2 });
    await trainer.reset();
    const runs = trainer.progress.runs;
    expect(runs.map((r) => r.hyper.learningRate)).toEqual([0.1, 0.05]);
    // The change after run 1 ended came before any of its steps: it is not run 1's; run 2 trained on with lr 0.02 after step 4.
    expect(runs.map((r) => r.changes)).toEqual([[], ['lr 0.02, epochs 2']]);
    // The run to come starts with the last rate.
    await trainer.train();
    await until(() => trainer.status === 'done');
    expect(trainer.progress.currentRun()?.hyper.learningRate).toBe(0.2);
    trainer.dispose();
  });

  it('stays paused when a setting that rebuilds the model comes right after Pause, before the worker said it paused (issue 22, item 5)', async () => {
    const trainer = await started({ epochs: 500 });
    await trainer.train();
    await until(() => trainer.status === 'running' && trainer.progress.step > 2);
    // Pause is on its way; the learner types a new value at once.
    const pausing = trainer.pause();
    expect(trainer.status).toBe('running');
    await trainer.enqueue(() => trainer.rebuild({ layers: [] }, hyper({ epochs: 500 })));
    await pausing;
    expect(trainer.status).not.toBe('running');
    const step = trainer.progress.step;
    // Nothing trains: the worker answers a round trip, and the step count has not moved.
    await trainer.readWeights();
    expect(trainer.progress.step).toBe(step);
    expect(trainer.status).not.toBe('running');

    // A rebuild while training plays on.
    await trainer.train();
    await until(() => trainer.status === 'running');
    await trainer.enqueue(() => trainer.rebuild({ layers: [] }, hyper({ epochs: 500 })));
    await until(() => trainer.status === 'running' && trainer.progress.step > 0);
    await trainer.pause();
    trainer.dispose();
  });

  it('explains instead of throwing when used before it started', async () => {
    const trainer = new TrainerState({ createClient: inThreadClient });
    await expect(trainer.readWeights()).rejects.toThrow(/has not started/);
    expect(await trainer.changeSettings({ learningRate: 0.1 })).toEqual([]);
    await trainer.train();
    expect(trainer.message).toMatch(/has not started/);
  });
});

describe('TrainerState: an engine start that does not answer', () => {
  const quickStarts = [
    { timeoutMs: 200, label: 'the training engine' },
    { backend: 'wasm' as const, threads: 1, timeoutMs: 200, label: 'WebAssembly on one thread' },
    { backend: 'cpu' as const, timeoutMs: 2000, label: 'plain JavaScript' },
  ];

  /** Clients whose engine start hangs (never answers) for the first `hung` workers. */
  function clients(hung: number) {
    const asked: { backend: string; threads?: number }[] = [];
    let terminated = 0;
    const create = () => {
      const hangs = asked.length < hung;
      const { client } = connect({
        setupBackend: async (backend, _lost, threads) => {
          asked.push({ backend, threads });
          if (hangs) return new Promise(() => {});
          await useCpu();
          return { name: 'cpu', threads: 1, reason: 'It runs on cpu here.', failed: [] };
        },
      });
      const terminate = client.terminate.bind(client);
      client.terminate = () => {
        terminated++;
        terminate();
      };
      return client;
    };
    return { create, asked, terminated: () => terminated };
  }

  it('stops a hung start, starts WebAssembly on one thread instead, says so, and is ready to train without a click', async () => {
    const fake = clients(1);
    const trainer = new TrainerState({ createClient: fake.create, uiIntervalMs: 20, engineStarts: quickStarts });
    await trainer.start('auto', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper({ epochs: 1 }), { evaluationsPerEpoch: 1 });
    expect(trainer.status).toBe('ready');
    expect(fake.asked).toEqual([{ backend: 'auto', threads: undefined }, { backend: 'wasm', threads: 1 }]);
    expect(fake.terminated()).toBeGreaterThanOrEqual(1);
    expect(trainer.startNote).toBe('The training engine did not start within 0.2 s, so Gradient Lab started WebAssembly on one thread instead.');
    expect(trainer.backend?.reason).toMatch(/^The training engine did not start within 0\.2 s.*It runs on cpu here\.$/);
    await trainer.train();
    await until(() => trainer.status === 'done');
    trainer.dispose();
  });

  it('goes on to plain JavaScript when WebAssembly does not answer either, and a start that answers leaves no note', async () => {
    const fake = clients(2);
    const trainer = new TrainerState({ createClient: fake.create, uiIntervalMs: 20, engineStarts: quickStarts });
    await trainer.start('auto', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper({ epochs: 1 }), { evaluationsPerEpoch: 1 });
    expect(trainer.status).toBe('ready');
    expect(fake.asked.map((a) => a.backend)).toEqual(['auto', 'wasm', 'cpu']);
    expect(trainer.startNote).toMatch(/^WebAssembly on one thread did not start within 0\.2 s, so Gradient Lab started plain JavaScript instead\.$/);
    trainer.dispose();

    const healthy = clients(0);
    const fresh = new TrainerState({ createClient: healthy.create, uiIntervalMs: 20, engineStarts: quickStarts });
    await fresh.start('auto', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper({ epochs: 1 }), { evaluationsPerEpoch: 1 });
    expect(fresh.startNote).toBeNull();
    expect(healthy.asked).toHaveLength(1);
    fresh.dispose();
  });

  it('shows an error, not a hang, when every start fails to answer', async () => {
    const fake = clients(3);
    const trainer = new TrainerState({ createClient: fake.create, uiIntervalMs: 20, engineStarts: quickStarts.map((s) => ({ ...s, timeoutMs: 100 })) });
    await trainer.start('auto', { kind: 'arrays', data: lineData() }, { layers: [] }, hyper(), {});
    expect(trainer.status).toBe('error');
    expect(trainer.message).toMatch(/did not answer "init" within/);
    trainer.dispose();
  });
});
