import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { DigitBaselineState } from '../../../src/widgets/digits/DigitBaselineState.svelte';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';

beforeAll(useCpu);

const exercises = [
  { id: 'beat', check: { widget: 'digit-baseline', when: { mlpGainPoints: { min: -100 } } } },
  { id: 'never', check: { widget: 'digit-baseline', when: { linearGainPoints: { min: 99 } } } },
];

/** The digits in this thread's tests (tests/worker/connect serves the asset under this name). */
const DIGITS = () => ({ kind: 'mnist' as const, url: 'data/mnist-10k.bin' });

describe('DigitBaselineState', () => {
  it('shows the baseline, keeps each model’s run for the chart, ticks exercises, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const ticked: string[] = [];
    const state = new DigitBaselineState({ props: { epochs: 1, learningRate: 1e9 }, exercises, onexercise: () => (id) => ticked.push(id), createClient: inThreadClient, task: DIGITS });
    expect(state.kit.settingMessages.join(' ')).toMatch(/Learning rate must be from/);
    await state.start();
    expect(state.trainer.status).toBe('ready');
    expect(state.baselineAccuracy).toBeGreaterThan(0.75);
    expect(state.baselineAccuracy).toBeLessThan(0.85);
    expect(state.baseline!.averages).toHaveLength(7840);
    expect(state.figures.linearGainPoints).toBeNull();

    await state.trainer.changeSettings({ learningRate: 0.005 });
    await state.trainer.train();
    await until(() => state.curve('linear').length > 0, 30_000);
    await state.trainer.pause();
    const linear = state.bestAccuracy('linear')!;
    expect(linear).toBeGreaterThan(0.5);
    expect(state.gainPoints('linear')).toBeCloseTo((linear - state.baselineAccuracy!) * 100, 9);
    expect(state.curve('mlp')).toEqual([]);

    await state.chooseModel('mlp');
    expect(state.model).toBe('mlp');
    expect(state.trainer.summary!.totalParams).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(state.bestAccuracy('linear')).toBe(linear); // the linear run stays on the chart
    await state.trainer.train();
    await until(() => state.curve('mlp').length > 0, 40_000);
    await state.trainer.pause();
    expect(state.figures.mlpAccuracy).toBe(state.bestAccuracy('mlp'));
    expect(ticked).toEqual(['beat']);
    await state.chooseModel('nonsense');
    expect(state.model).toBe('mlp');

    state.dispose();
    await until(() => tf.memory().numTensors === before);
  });

  it('keeps a setting changed while the model switches, whichever comes first', async () => {
    const before = tf.memory().numTensors;
    const state = new DigitBaselineState({ props: { epochs: 2 }, exercises: [], createClient: inThreadClient, task: DIGITS });
    await state.start();
    // The switch, then a setting before the switch has finished (as a quick learner does it).
    await Promise.all([state.chooseModel('mlp'), state.trainer.changeSettings({ epochs: 5 })]);
    expect(state.model).toBe('mlp');
    expect(state.trainer.summary!.totalParams).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(state.hyper.epochs).toBe(5);
    // A setting, then the switch before the setting has been applied.
    await Promise.all([state.trainer.changeSettings({ epochs: 7 }), state.chooseModel('linear')]);
    expect(state.model).toBe('linear');
    expect(state.trainer.summary!.totalParams).toBe(784 * 10 + 10);
    expect(state.hyper.epochs).toBe(7);
    state.dispose();
    await until(() => tf.memory().numTensors === before);
  });
});
