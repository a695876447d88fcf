import { describe, expect, it } from 'vitest';
import { TRAINING_SCHEMA, lessonHyperparams } from '../../src/ml/hyperparams';
import { defaults } from '../../src/ml/schema';

describe('lessonHyperparams: a widget’s lesson props → its starting training settings', () => {
  it('takes the training settings among the props, checked, and leaves the widget’s own props alone', () => {
    const { hyper, messages } = lessonHyperparams({ model: 'cnn', epochs: 5, learningRate: 1e9, optimizer: 'sgd', exercises: [], points: 30 });
    expect(hyper).toEqual({ ...defaults(TRAINING_SCHEMA), epochs: 5, learningRate: 10, optimizer: 'sgd' });
    expect(messages).toEqual([expect.stringMatching(/Learning rate must be from .* was changed to 10/)]);
  });

  it('fills what the lesson leaves out from the widget’s base, then the defaults', () => {
    expect(lessonHyperparams({}, { epochs: 2 }).hyper).toEqual({ ...defaults(TRAINING_SCHEMA), epochs: 2 });
    expect(lessonHyperparams({ epochs: 7 }, { epochs: 2 }).hyper.epochs).toBe(7);
    expect(lessonHyperparams({ optimizer: 'magic' }).hyper.optimizer).toBe(TRAINING_SCHEMA.optimizer.default);
  });
});
