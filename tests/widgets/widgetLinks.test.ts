import { describe, expect, it } from 'vitest';
import { DigitBaselineState } from '../../src/widgets/digits/DigitBaselineState.svelte';
import { LadderState } from '../../src/widgets/ladder/LadderState.svelte';
import { KERNEL_EXPLORER_LINK_SCHEMA, kernelOf, kernelSettings, lessonKernelSettings } from '../../src/widgets/cnn/cnnLinkSchemas';
import { ERROR_ANALYSIS_LINK_SCHEMA, confusionCell } from '../../src/widgets/digits/digitLinkSchemas';
import { linkedSettings, settingsLink } from '../../src/widgets/trainer/sharedSettings';
import { KERNEL_PRESETS } from '../../src/ml/convolution';
import { inThreadClient } from './trainer/inThreadClient';

const LESSON = '#/lesson/06-baseline';
const at = (hash: string) => ({ origin: 'http://localhost:5173', pathname: '/', hash });
const hashOf = (link: string) => new URL(link).hash;

describe('the links of lesson 6–11 widgets', () => {
  it('digit baseline: a link carries the model and training settings shown, and opens with them', () => {
    const lesson = new DigitBaselineState({ props: { epochs: 2, learningRate: 0.01 }, createClient: inThreadClient });
    expect(hashOf(lesson.link(at(LESSON)))).toBe(LESSON); // nothing changed: nothing in the link
    const hash = `${LESSON}?digit-baseline.model=mlp&digit-baseline.batchSize=128&digit-baseline.optimizer=__proto__&digit-baseline.model=constructor`;
    const opened = new DigitBaselineState({ props: { epochs: 2, learningRate: 0.01 }, createClient: inThreadClient, link: hash });
    // The last "model" wins and is not a model: the lesson's stays; the bad optimizer is named.
    expect(opened.model).toBe('linear');
    expect(opened.hyper).toMatchObject({ batchSize: 128, optimizer: 'adam', epochs: 2, learningRate: 0.01 });
    expect(opened.kit.settingMessages.join(' ')).toMatch(/From the link: .*Optimizer: "__proto__" is not one of/);
    expect(opened.hyper).not.toHaveProperty('model');

    const mlp = new DigitBaselineState({ props: {}, createClient: inThreadClient, link: `${LESSON}?digit-baseline.model=mlp&digit-baseline.epochs=5` });
    expect(mlp.model).toBe('mlp');
    expect(hashOf(mlp.link(at(LESSON)))).toBe(`${LESSON}?digit-baseline.model=mlp&digit-baseline.epochs=5`);
  });

  it('abstraction ladder: settings changed in the panel travel by link', () => {
    const ladder = new LadderState({ props: { steps: 20 }, createClient: inThreadClient });
    ladder.change('seed', 7);
    ladder.change('learningRate', 0.25);
    const link = ladder.link(at('#/lesson/06-baseline?other.x=1'));
    const opened = new LadderState({ props: { steps: 20 }, createClient: inThreadClient, link: hashOf(link) });
    expect(opened.settings).toEqual(ladder.settings);
    expect(opened.notes).toEqual([]);
    expect(hashOf(link)).toBe('#/lesson/06-baseline?other.x=1&abstraction-ladder.learningRate=0.25&abstraction-ladder.seed=7');
  });

  it('kernel explorer: a preset travels by name, your own kernel weight by weight', () => {
    const lesson = lessonKernelSettings('vertical');
    const read = (kernel: readonly number[], digit: number) => {
      const link = settingsLink(at(LESSON), 'kernel-explorer', KERNEL_EXPLORER_LINK_SCHEMA, kernelSettings(kernel, digit, lesson), lesson);
      const linked = linkedSettings('kernel-explorer', KERNEL_EXPLORER_LINK_SCHEMA, hashOf(link));
      return { hash: hashOf(link), settings: { ...lesson, ...linked.values }, messages: linked.messages };
    };
    const blur = read(KERNEL_PRESETS.get('blur')!.weights, 3);
    expect(blur.hash).toBe(`${LESSON}?kernel-explorer.kernel=blur&kernel-explorer.digit=3`);
    expect(kernelOf(blur.settings)).toEqual(KERNEL_PRESETS.get('blur')!.weights);
    expect(blur.settings.digit).toBe(3);

    const own = [1, 0, -1, 0.5, 0, 0, 0, 0, 2.25];
    const custom = read(own, 1);
    expect(custom.hash).toMatch(/kernel-explorer\.kernel=custom&/);
    expect(kernelOf(custom.settings)).toEqual(own);
    expect(read(KERNEL_PRESETS.get('vertical')!.weights, 1).hash).toBe(LESSON);

    // A weight out of range is clamped and said; an unknown preset falls back to the lesson's.
    const bad = linkedSettings('kernel-explorer', KERNEL_EXPLORER_LINK_SCHEMA, `${LESSON}?kernel-explorer.kernel=custom&kernel-explorer.w11=1e308&kernel-explorer.digit=-1`);
    expect(kernelOf({ ...lesson, ...bad.values })[4]).toBe(10);
    expect(bad.values.digit).toBe(1);
    expect(bad.messages.join(' ')).toMatch(/must be from -10 to 10/);
    expect(linkedSettings('kernel-explorer', KERNEL_EXPLORER_LINK_SCHEMA, `${LESSON}?kernel-explorer.kernel=toString`).values.kernel).toBe('vertical');
  });

  it('error analysis: the cell opened is one of the 100 cells, or the most common mistake', () => {
    expect(confusionCell('4-9')).toEqual({ actual: 4, predicted: 9 });
    expect(confusionCell('worst')).toBeNull();
    const read = linkedSettings('error-analysis', ERROR_ANALYSIS_LINK_SCHEMA, `${LESSON}?error-analysis.cell=44-9`);
    expect(read.values.cell).toBe('worst');
    // 101 options: the message lists a few, not all of them.
    expect(read.messages[0]).toMatch(/… \(101 in all\)/);
    expect(read.messages[0].length).toBeLessThan(200);
  });
});
