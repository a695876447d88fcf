// What lesson 7's widgets put in a shared link: the kernel explorer's kernel (a preset by name, or
// your own nine weights) and example digit; the CNN inspector's training settings.
import { KERNEL_PRESETS, KERNEL_SCHEMA, type Kernel } from '../../ml/convolution';
import { TRAINING_SCHEMA } from '../../ml/hyperparams';
import { pickParams, type NumberParam, type Schema, type Values } from '../../ml/schema';

type WeightKey = `w${0 | 1 | 2}${0 | 1 | 2}`;
const WEIGHT_KEYS = Object.keys(KERNEL_SCHEMA) as WeightKey[];

/** The presets by name, and "custom": the nine weights given one by one. */
export const KERNEL_CHOICES: ReadonlyMap<string, string> = new Map([
  ...[...KERNEL_PRESETS].map(([name, preset]): [string, string] => [name, preset.label]),
  ['custom', 'Your own weights'],
]);

export const KERNEL_EXPLORER_LINK_SCHEMA = {
  kernel: { kind: 'enum', label: 'Kernel', options: KERNEL_CHOICES, default: 'vertical' },
  ...(KERNEL_SCHEMA as Record<WeightKey, NumberParam>),
  digit: { kind: 'number', label: 'Example digit', min: 1, max: 12, default: 1, integer: true },
} satisfies Schema;
export type KernelExplorerSettings = Values<typeof KERNEL_EXPLORER_LINK_SCHEMA>;

/** The kernel the settings describe: a preset's weights, or the nine weights given. */
export function kernelOf(settings: KernelExplorerSettings): Kernel {
  const preset = KERNEL_PRESETS.get(settings.kernel);
  return preset && settings.kernel !== 'custom' ? preset.weights : WEIGHT_KEYS.map((key) => settings[key]);
}

/**
 * The settings that describe `kernel` (a preset by name; other weights one by one), starting from
 * `base` (the lesson's), so a preset's link carries only its name.
 */
export function kernelSettings(kernel: Kernel, digit: number, base: KernelExplorerSettings): KernelExplorerSettings {
  const preset = [...KERNEL_PRESETS].find(([, p]) => p.weights.every((w, i) => Math.abs(w - kernel[i]) < 1e-9));
  if (preset) return { ...base, kernel: preset[0], digit };
  return { ...base, ...Object.fromEntries(WEIGHT_KEYS.map((key, i) => [key, kernel[i]])), kernel: 'custom', digit };
}

/** The lesson's starting settings: its preset (the vertical-edge kernel unless it names another) and first digit. */
export function lessonKernelSettings(preset: string | undefined): KernelExplorerSettings {
  const name = preset !== undefined && KERNEL_PRESETS.has(preset) ? preset : 'vertical';
  const weights = KERNEL_PRESETS.get(name)!.weights;
  return {
    kernel: name,
    ...(Object.fromEntries(WEIGHT_KEYS.map((key, i) => [key, weights[i]])) as Record<WeightKey, number>),
    digit: 1,
  };
}

/** The CNN inspector's link: the training settings its panel shows. */
export const CNN_INSPECTOR_LINK_SCHEMA = pickParams(TRAINING_SCHEMA, [
  'learningRate',
  'epochs',
  'batchSize',
  'optimizer',
]);
