import { describe, expect, it } from 'vitest';
import { readSharedSettings, settingsLink } from '../../../src/widgets/trainer/sharedSettings';
import { defaults } from '../../../src/ml/schema';
import { TRAINING_SCHEMA } from '../../../src/ml/hyperparams';

const MODELS = new Set(['cnn', 'mlp', 'linear']);

describe('settings shared by link', () => {
  it('round-trips the settings that differ from the defaults, and the model', () => {
    const hyper = { ...defaults(TRAINING_SCHEMA), learningRate: 0.02, optimizer: 'sgd' as const, batchSize: 32 };
    const link = settingsLink({ origin: 'http://localhost:5173', pathname: '/', hash: '#/lesson/01-train-a-digit-classifier' }, hyper, 'mlp');
    const url = new URL(link);
    expect(url.hash).toBe('#/lesson/01-train-a-digit-classifier');
    const read = readSharedSettings(url.search, MODELS);
    expect(read).toEqual({ values: { learningRate: 0.02, optimizer: 'sgd', batchSize: 32 }, model: 'mlp', messages: [] });
  });

  it('clamps, drops and explains whatever a broken or hand-edited link holds', () => {
    const read = readSharedSettings('?learningRate=banana&batchSize=99999&optimizer=magic&model=resnet&__proto__=1&epochs=2', MODELS);
    expect(read.values).toEqual({ learningRate: 0.005, batchSize: 1024, optimizer: 'adam', epochs: 2 });
    expect(read.model).toBeUndefined();
    expect(read.messages).toHaveLength(5);
    for (const m of read.messages) expect(m).toMatch(/^From the link: /);
    expect(read.messages.join(' ')).toMatch(/resnet/);
    expect(read.messages.join(' ')).toMatch(/__proto__/);
  });
});
