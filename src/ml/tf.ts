// One place that pulls in the modular tfjs packages the core uses (smaller than the umbrella
// package, and the backends are registered separately by whoever hosts the core).
export * as tf from '@tensorflow/tfjs-core';
export * as tfl from '@tensorflow/tfjs-layers';
