import { tfl } from './tf';
import { describeModel, type ModelSpec } from './modelSpec';

/** Builds the tf.LayersModel for a valid spec; the output layer gives raw scores (logits). */
export function buildModel(spec: ModelSpec, inputShape: number[], outputUnits: number, seed = 42): tfl.Sequential {
  const summary = describeModel(spec, inputShape, outputUnits);
  if (summary.errors.length > 0) throw new Error(summary.errors[0]);
  const model = tfl.sequential();
  let first = true;
  let n = 0;
  // A fixed seed per layer makes "reset" reproducible and tests deterministic.
  const init = () => tfl.initializers.glorotUniform({ seed: seed + n++ });
  const inputArg = () => (first ? { inputShape } : {});
  const add = (layer: tfl.layers.Layer) => {
    model.add(layer);
    first = false;
  };
  for (const layer of spec.layers) {
    switch (layer.type) {
      case 'dense':
        add(tfl.layers.dense({ ...inputArg(), units: layer.units, activation: layer.activation, kernelInitializer: init() }));
        break;
      case 'conv2d':
        add(
          tfl.layers.conv2d({
            ...inputArg(),
            filters: layer.filters,
            kernelSize: layer.kernelSize,
            activation: layer.activation,
            padding: layer.padding,
            kernelInitializer: init(),
          }),
        );
        break;
      case 'maxPool2d':
        add(tfl.layers.maxPooling2d({ ...inputArg(), poolSize: layer.poolSize, strides: layer.poolSize }));
        break;
      case 'flatten':
        add(tfl.layers.flatten({ ...inputArg() }));
        break;
      case 'dropout':
        add(tfl.layers.dropout({ ...inputArg(), rate: layer.rate, seed: seed + n++ }));
        break;
    }
  }
  add(tfl.layers.dense({ ...inputArg(), units: outputUnits, activation: 'linear', kernelInitializer: init(), name: 'output' }));
  return model;
}

/** Sets the rate of every dropout layer (a live setting: tfjs reads `rate` on every call). */
export function setDropoutRate(model: tfl.LayersModel, rate: number): void {
  for (const layer of model.layers) {
    // `rate` is readonly only in the type declarations.
    if (layer.getClassName() === 'Dropout') (layer as unknown as { rate: number }).rate = rate;
  }
}
