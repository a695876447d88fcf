// A model's hidden layers as one short line of text, for links:
// `conv:8:5:same:relu,pool:2,flatten,dense:64:relu,dropout:0.2`. Reading it back checks every
// field (numbers must be numbers, names must be known) and then the whole model, with the same
// checks the architecture editor applies.
import { ACTIVATION_NAMES, describeModel, type Activation, type LayerSpec, type ModelSpec } from './modelSpec';

const PADDINGS = new Set(['same', 'valid']);
/** Longest architecture text read (12 layers of the longest form fit in well under this). */
const MAX_LENGTH = 400;

export function specToText(spec: ModelSpec): string {
  return spec.layers
    .map((layer) => {
      switch (layer.type) {
        case 'conv2d':
          return `conv:${layer.filters}:${layer.kernelSize}:${layer.padding}:${layer.activation}`;
        case 'maxPool2d':
          return `pool:${layer.poolSize}`;
        case 'flatten':
          return 'flatten';
        case 'dense':
          return `dense:${layer.units}:${layer.activation}`;
        case 'dropout':
          return `dropout:${layer.rate}`;
      }
    })
    .join(',');
}

export type SpecFromText = { spec: ModelSpec } | { error: string };

/** Reads an architecture for inputs of `inputShape` and `outputUnits` classes; never throws. */
export function specFromText(text: string, inputShape: number[], outputUnits: number): SpecFromText {
  if (text.length > MAX_LENGTH) return { error: `the architecture is too long (${text.length} characters).` };
  const layers: LayerSpec[] = [];
  const parts = text === '' ? [] : text.split(',');
  for (const [i, part] of parts.entries()) {
    const layer = readLayer(part.split(':'));
    if (!layer) return { error: `layer ${i + 1} ("${part.slice(0, 40)}") is not a layer this app knows.` };
    layers.push(layer);
  }
  const spec = { layers };
  const { errors } = describeModel(spec, inputShape, outputUnits);
  return errors.length ? { error: errors[0] } : { spec };
}

function readLayer([kind, ...fields]: string[]): LayerSpec | null {
  const num = (s: string | undefined) => (s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN);
  const activation = (s: string | undefined) => (s !== undefined && ACTIVATION_NAMES.has(s as Activation) ? (s as Activation) : null);
  switch (kind) {
    case 'conv': {
      const [filters, kernelSize, padding, act] = fields;
      const a = activation(act);
      if (fields.length !== 4 || !a || !PADDINGS.has(padding)) return null;
      return { type: 'conv2d', filters: num(filters), kernelSize: num(kernelSize), padding: padding as 'same' | 'valid', activation: a };
    }
    case 'pool':
      return fields.length === 1 ? { type: 'maxPool2d', poolSize: num(fields[0]) } : null;
    case 'flatten':
      return fields.length === 0 ? { type: 'flatten' } : null;
    case 'dense': {
      const a = activation(fields[1]);
      return fields.length === 2 && a ? { type: 'dense', units: num(fields[0]), activation: a } : null;
    }
    case 'dropout':
      return fields.length === 1 ? { type: 'dropout', rate: num(fields[0]) } : null;
    default:
      return null;
  }
}
