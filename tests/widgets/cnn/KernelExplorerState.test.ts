// Lesson 7's kernel explorer without a page: its digits come from the asset itself (no worker),
// a failed download says so and can be tried again, and a late answer after dispose is dropped.
import { describe, expect, it } from 'vitest';
import { KernelExplorerState } from '../../../src/widgets/cnn/KernelExplorerState.svelte';
import { loadValidationDigits } from '../../../src/ml/mnist';
import { KERNEL_PRESETS } from '../../../src/ml/convolution';
import { testEnvironment } from '../../worker/connect';

const DATA = 'data/mnist-10k.bin';
const LESSON = '#/lesson/07-convolutions';
const at = (hash: string) => ({ origin: 'http://localhost:5173', pathname: '/', hash });
const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;
const ownVertical = { id: 'own-vertical-kernel', check: { widget: 'kernel-explorer', when: { preset: 'custom', verticalEdge: { min: 1 }, horizontalEdge: { max: 0.2 }, flatInk: { max: 0.2 } } } };

describe('KernelExplorerState', () => {
  it('shows the first validation digits under the lesson’s kernel; digits and the drawing can be chosen', async () => {
    const explorer = new KernelExplorerState({ preset: 'blur', digits: 5, dataUrl: DATA, fetch: testEnvironment.fetch });
    expect(explorer.kernel).toEqual(KERNEL_PRESETS.get('blur')!.weights);
    expect(explorer.image).toBeNull();
    await explorer.start();
    const expected = await loadValidationDigits(DATA, 5, testEnvironment.fetch);
    expect(explorer.gallery!.count).toBe(5);
    expect(explorer.gallery!.labels).toEqual(expected.labels);
    expect(explorer.loadError).toBeNull();
    expect(explorer.chosen).toBe(0);
    expect(explorer.image).toEqual(Float32Array.from(expected.pixels.subarray(0, 784), (b) => b / 255));

    explorer.choose(3);
    expect(explorer.image).toEqual(explorer.digitPixels(3));
    explorer.choose(5); // no sixth digit
    explorer.choose('drawing'); // nothing drawn yet
    expect(explorer.chosen).toBe(3);
    const drawing = new Float32Array(784).fill(0.5);
    explorer.draw(drawing);
    expect(explorer.chosen).toBe('drawing');
    expect(explorer.image).toBe(drawing);
    expect(new URL(explorer.link(at(LESSON))).hash).toBe(LESSON); // the lesson's kernel, and a drawing travels as the lesson's digit
    explorer.choose(1);
    explorer.setKernel(KERNEL_PRESETS.get('sharpen')!.weights);
    expect(new URL(explorer.link(at(LESSON))).hash).toBe(`${LESSON}?kernel-explorer.kernel=sharpen&kernel-explorer.digit=2`);
  });

  it('says why the digits did not load, puts the pad forward, and loads them when tried again', async () => {
    let fetchImpl = offline;
    const explorer = new KernelExplorerState({ dataUrl: DATA, link: `${LESSON}?kernel-explorer.digit=3`, fetch: (...args) => fetchImpl(...args) });
    await explorer.start();
    expect(explorer.gallery).toBeNull();
    expect(explorer.loadError).toMatch(/^Could not load the example digits \(Could not download the digit data from data\/mnist-10k\.bin \(TypeError: Failed to fetch\)\)\. Draw one on the pad instead, or try again\.$/);
    expect(explorer.chosen).toBe('drawing');
    expect(explorer.image).toBeNull();
    expect(explorer.loading).toBe(false);

    fetchImpl = testEnvironment.fetch;
    const retry = explorer.loadDigits();
    expect(explorer.loading).toBe(true);
    expect(explorer.loadError).toBeNull();
    await retry;
    expect(explorer.gallery!.count).toBe(8);
    expect(explorer.chosen).toBe(2); // the link's digit, now that there are digits
    expect(explorer.image).toEqual(explorer.digitPixels(2));
    expect(explorer.loading).toBe(false);
  });

  it('keeps the learner’s drawing under the kernel when the digits arrive on a retry', async () => {
    let fetchImpl = offline;
    const explorer = new KernelExplorerState({ dataUrl: DATA, fetch: (...args) => fetchImpl(...args) });
    await explorer.start();
    explorer.draw(new Float32Array(784));
    fetchImpl = testEnvironment.fetch;
    await explorer.loadDigits();
    expect(explorer.gallery).not.toBeNull();
    expect(explorer.chosen).toBe('drawing');
  });

  it('drops digits that arrive after dispose', async () => {
    const explorer = new KernelExplorerState({ dataUrl: DATA, fetch: testEnvironment.fetch });
    const loading = explorer.start();
    explorer.dispose();
    await loading;
    expect(explorer.gallery).toBeNull();
    expect(explorer.loadError).toBeNull();
  });

  it('ticks the own-kernel exercise once, for typed weights and not for a preset', async () => {
    const ticked: string[] = [];
    const explorer = new KernelExplorerState({ exercises: [ownVertical], onexercise: () => (id) => ticked.push(id), dataUrl: DATA, fetch: offline });
    await explorer.start();
    expect(ticked).toEqual([]); // the vertical-edge preset is not the learner's own
    explorer.setKernel([-1, 0, 1, -1, 0, 1, -1, 0, 1]);
    expect(explorer.preset).toBe('custom');
    explorer.setKernel([-2, 0, 2, -2, 0, 2, -2, 0, 2]);
    expect(ticked).toEqual(['own-vertical-kernel']);
    expect(explorer.exercisesDone.map((e) => e.id)).toEqual(['own-vertical-kernel']);

    // A link that opens on such a kernel ticks it as the widget starts.
    const weights = [-1, 0, 1, -1, 0, 1, -1, 0, 1].map((w, i) => `kernel-explorer.w${Math.floor(i / 3)}${i % 3}=${w}`).join('&');
    const linked: string[] = [];
    const opened = new KernelExplorerState({ exercises: [ownVertical], onexercise: () => (id) => linked.push(id), dataUrl: DATA, link: `${LESSON}?kernel-explorer.kernel=custom&${weights}`, fetch: offline });
    expect(linked).toEqual([]);
    await opened.start();
    expect(linked).toEqual(['own-vertical-kernel']);
  });
});
