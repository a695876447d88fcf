// The digit-trainer kit (src/widgets/digits/DigitTrainer.svelte.ts) on the real digits in this
// thread (cpu): it starts with the widget's model and settings, corrects a setting with a message,
// rebuilds a new model under the settings in force, and a retry before any model starts afresh.
import { beforeAll, describe, expect, it } from 'vitest';
import { DigitTrainer } from '../../../src/widgets/digits/DigitTrainer.svelte';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';
import { useCpu } from '../../ml/helpers';
import { inThreadClient } from '../trainer/inThreadClient';

beforeAll(useCpu);

const task = () => ({ kind: 'mnist' as const, url: 'mnist-10k.bin' });
const hyper = { ...defaults(TRAINING_SCHEMA), learningRate: 0.01, batchSize: 64, epochs: 1 };

describe('DigitTrainer', () => {
  it('starts with its model and settings, corrects a setting, and rebuilds a new model under the settings in force', async () => {
    const kit = new DigitTrainer({ createClient: inThreadClient, task, spec: MNIST_PRESETS.linear, hyper, messages: ['From the link: a', 'From the link: a'], runLabel: () => 'Linear' });
    expect(kit.settingMessages).toEqual(['From the link: a']); // each message once
    expect(kit.hyper).toEqual(hyper); // the starting settings until the engine has its own
    await kit.start('cpu');
    expect(kit.trainer.status).toBe('ready');
    expect(kit.backendChoice).toBe('cpu');
    expect(kit.trainer.summary?.totalParams).toBe(7850); // 784 × 10 + 10
    expect(kit.ready).toBe(true);

    await kit.changeSetting('learningRate', 1e9);
    expect(kit.hyper.learningRate).toBe(TRAINING_SCHEMA.learningRate.max);
    expect(kit.settingMessages.join(' ')).toMatch(/Learning rate/);

    await kit.applySpec(MNIST_PRESETS.mlp);
    expect(kit.spec).toBe(MNIST_PRESETS.mlp);
    expect(kit.trainer.summary?.totalParams).toBeGreaterThan(7850);
    expect(kit.hyper.learningRate).toBe(TRAINING_SCHEMA.learningRate.max); // the change survived the rebuild
    kit.dispose();
  }, 120_000);

  it('a retry before any model was built starts the engine afresh on the chosen backend', async () => {
    const kit = new DigitTrainer({ createClient: inThreadClient, task, spec: MNIST_PRESETS.linear, hyper });
    expect(kit.trainer.summary).toBeNull();
    await kit.retry('cpu');
    expect(kit.trainer.status).toBe('ready');
    expect(kit.backendChoice).toBe('cpu');
    kit.dispose();
  }, 120_000);
});
