import { tf } from './tf';
import type { OptimizerName } from './hyperparams';
import { HostAdam, wasmPart } from './wasm';

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'adam':
      // With the hostAdam part (wasm, cpu): the same Adam, in one loop per weight tensor instead of a dozen kernels.
      return wasmPart('hostAdam') ? new HostAdam(learningRate) : tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/**
 * Changes the learning rate of a live optimizer without losing its state (momentum, Adam's
 * moments). SGD and momentum have setLearningRate; Adam and RMSProp read their public-at-runtime
 * `learningRate` field on every applyGradients call (tfjs-core 4.x), so assigning it takes
 * effect at the next step and allocates nothing.
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void };
  if (typeof withSetter.setLearningRate === 'function') {
    withSetter.setLearningRate(learningRate);
    return;
  }
  const withField = optimizer as unknown as { learningRate: number };
  if (typeof withField.learningRate !== 'number') throw new Error('This optimizer does not expose its learning rate.');
  withField.learningRate = learningRate;
}

/**
 * Frees an optimizer and all its slots. tfjs 4.22's MomentumOptimizer.dispose() forgets the
 * learning-rate scalar its SGD parent keeps, leaking one tensor per optimizer.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const scalar = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (scalar && !scalar.isDisposed) scalar.dispose();
}
