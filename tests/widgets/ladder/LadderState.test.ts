import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { LadderState } from '../../../src/widgets/ladder/LadderState.svelte';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';

beforeAll(useCpu);

describe('LadderState', () => {
  it('runs the three rungs, finds they agree, ticks the exercise, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const ticked: string[] = [];
    const exercises = [{ id: 'agree', check: { widget: 'abstraction-ladder', when: { rungsAgree: true, seed: 2 } } }];
    const state = new LadderState({ props: { steps: 10, batchSize: 16, seed: 'x', name: 'abstraction-ladder' }, exercises, onexercise: () => (id) => ticked.push(id), createClient: inThreadClient });
    expect(state.notes.join(' ')).toMatch(/Seed must be a number/);
    await state.start('data/mnist-10k.bin');
    expect(state.ready).toBe(true);

    await state.runAll();
    expect(Object.keys(state.results)).toEqual(['rawTensors', 'minimize', 'fit']);
    expect(state.results.fit!.losses).toHaveLength(10);
    expect(state.gap!).toBeLessThan(1e-4);
    expect(state.agree).toBe(true);
    expect(ticked).toEqual([]); // seed 1 so far

    state.change('seed', '2');
    expect(state.results).toEqual({}); // old results no longer compare
    expect(state.gap).toBeNull();
    await state.run('fit');
    expect(state.agree).toBe(false);
    await state.runAll();
    expect(ticked).toEqual(['agree']);

    state.change('batchSize', 999); // clamped to 256 by the schema
    expect(state.settings.batchSize).toBe(256);
    state.dispose();
    await until(() => tf.memory().numTensors === before);
  });

  it('shows why a rung could not run and keeps the settings', async () => {
    const state = new LadderState({ props: {}, createClient: inThreadClient });
    await state.start('data/missing.bin');
    expect(state.trainer.status).toBe('error');
    expect(state.trainer.message).toMatch(/404/);
    await state.run('fit');
    expect(state.results).toEqual({});
    state.dispose();
  });
});
