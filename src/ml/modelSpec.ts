// Model descriptions and their checks: pure data, no tfjs, so the page can use them without
// loading TensorFlow.js.
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'linear'];
/** The activations as a learner picks them, for settings schemas. */
export const ACTIVATION_NAMES = new Map<Activation, string>([
  ['relu', 'ReLU'],
  ['tanh', 'tanh'],
  ['sigmoid', 'sigmoid'],
  ['linear', 'linear (none)'],
]);

export type LayerSpec =
  | { type: 'dense'; units: number; activation: Activation }
  | { type: 'conv2d'; filters: number; kernelSize: number; activation: Activation; padding: 'same' | 'valid' }
  | { type: 'maxPool2d'; poolSize: number }
  | { type: 'flatten' }
  | { type: 'dropout'; rate: number };

export type LayerType = LayerSpec['type'];

/** The hidden layers; an output layer sized for the task is always appended. */
export interface ModelSpec {
  layers: LayerSpec[];
}

export const LIMITS = {
  maxLayers: 12,
  units: [1, 1024],
  filters: [1, 128],
  kernelSize: [1, 9],
  poolSize: [2, 4],
  dropout: [0, 0.9],
  maxParams: 5_000_000,
} as const;

export const MNIST_PRESETS = {
  linear: { layers: [{ type: 'flatten' }] },
  mlp: { layers: [{ type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' }] },
  cnn: {
    layers: [
      { type: 'conv2d', filters: 8, kernelSize: 5, activation: 'relu', padding: 'valid' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'conv2d', filters: 16, kernelSize: 5, activation: 'relu', padding: 'valid' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
    ],
  },
} satisfies Record<string, ModelSpec>;
export type MnistPreset = keyof typeof MNIST_PRESETS;

export interface LayerSummary {
  label: string;
  outputShape: number[];
  params: number;
  error?: string;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  errors: string[];
}

function inRange(value: number, [lo, hi]: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= lo && value <= hi;
}

function describeLayer(layer: LayerSpec): string {
  switch (layer.type) {
    case 'dense':
      return `Dense ${layer.units} ${layer.activation}`;
    case 'conv2d':
      return `Conv ${layer.filters}×${layer.kernelSize}×${layer.kernelSize} ${layer.activation}${layer.padding === 'same' ? ' same' : ''}`;
    case 'maxPool2d':
      return `Max pool ${layer.poolSize}×${layer.poolSize}`;
    case 'flatten':
      return 'Flatten';
    case 'dropout':
      return `Dropout ${layer.rate}`;
  }
}

/**
 * Works out every layer's output shape and parameter count without touching tfjs, and explains
 * each invalid combination in the learner's words. A spec with errors must not be trained.
 */
export function describeModel(spec: ModelSpec, inputShape: number[], outputUnits: number): ModelSummary {
  const errors: string[] = [];
  const layers: LayerSummary[] = [];
  let shape = inputShape.slice();
  let total = 0;
  if (spec.layers.length > LIMITS.maxLayers) errors.push(`At most ${LIMITS.maxLayers} hidden layers, please.`);

  spec.layers.forEach((layer, i) => {
    let error: string | undefined;
    let params = 0;
    const where = `Layer ${i + 1} (${describeLayer(layer)})`;
    switch (layer.type) {
      case 'dense': {
        if (!inRange(layer.units, LIMITS.units) || !Number.isInteger(layer.units)) {
          error = `${where}: units must be a whole number from ${LIMITS.units[0]} to ${LIMITS.units[1]}.`;
        } else if (shape.length !== 1) {
          error = `${where}: a dense layer needs a flat input, but it gets ${shape.join('×')}. Add a Flatten layer before it.`;
        } else {
          params = shape[0] * layer.units + layer.units;
          shape = [layer.units];
        }
        break;
      }
      case 'conv2d': {
        if (!inRange(layer.filters, LIMITS.filters) || !Number.isInteger(layer.filters)) {
          error = `${where}: filters must be a whole number from ${LIMITS.filters[0]} to ${LIMITS.filters[1]}.`;
        } else if (!inRange(layer.kernelSize, LIMITS.kernelSize) || !Number.isInteger(layer.kernelSize)) {
          error = `${where}: kernel size must be from ${LIMITS.kernelSize[0]} to ${LIMITS.kernelSize[1]}.`;
        } else if (shape.length !== 3) {
          error = `${where}: a convolution needs an image (height×width×channels), but it gets a flat vector of ${shape[0]}. Put convolutions before Flatten.`;
        } else {
          const [h, w, c] = shape;
          const oh = layer.padding === 'same' ? h : h - layer.kernelSize + 1;
          const ow = layer.padding === 'same' ? w : w - layer.kernelSize + 1;
          if (oh < 1 || ow < 1) {
            error = `${where}: a ${layer.kernelSize}×${layer.kernelSize} kernel does not fit in a ${h}×${w} image. Use a smaller kernel, 'same' padding, or fewer pooling layers before it.`;
          } else {
            params = layer.kernelSize * layer.kernelSize * c * layer.filters + layer.filters;
            shape = [oh, ow, layer.filters];
          }
        }
        break;
      }
      case 'maxPool2d': {
        if (!inRange(layer.poolSize, LIMITS.poolSize) || !Number.isInteger(layer.poolSize)) {
          error = `${where}: pool size must be from ${LIMITS.poolSize[0]} to ${LIMITS.poolSize[1]}.`;
        } else if (shape.length !== 3) {
          error = `${where}: pooling needs an image, but it gets a flat vector. Put pooling before Flatten.`;
        } else {
          const [h, w, c] = shape;
          const oh = Math.floor(h / layer.poolSize);
          const ow = Math.floor(w / layer.poolSize);
          if (oh < 1 || ow < 1) error = `${where}: the ${h}×${w} image is too small to pool by ${layer.poolSize}.`;
          else shape = [oh, ow, c];
        }
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dropout':
        if (!inRange(layer.rate, LIMITS.dropout)) error = `${where}: the dropout rate must be from 0 to ${LIMITS.dropout[1]}.`;
        break;
      default:
        error = `Layer ${i + 1}: unknown layer type.`;
    }
    if (error) errors.push(error);
    total += params;
    layers.push({ label: describeLayer(layer), outputShape: shape.slice(), params, error });
  });

  if (errors.length === 0) {
    if (shape.length !== 1) {
      errors.push(`The output layer needs a flat input, but the last layer gives ${shape.join('×')}. Add a Flatten layer at the end.`);
    } else {
      const params = shape[0] * outputUnits + outputUnits;
      total += params;
      layers.push({ label: `Output dense ${outputUnits}`, outputShape: [outputUnits], params });
    }
  }
  if (total > LIMITS.maxParams) {
    errors.push(`This model has ${total.toLocaleString('en')} parameters; the limit is ${LIMITS.maxParams.toLocaleString('en')} so your browser stays responsive.`);
  }
  return { layers, totalParams: total, errors };
}

/** The name of the preset that `spec` is (a loaded model may be one), or null for any other architecture. */
export function presetOf<K extends string>(presets: Readonly<Record<K, ModelSpec>>, spec: ModelSpec): K | null {
  const wanted = JSON.stringify(spec);
  return (Object.keys(presets) as K[]).find((name) => JSON.stringify(presets[name]) === wanted) ?? null;
}
