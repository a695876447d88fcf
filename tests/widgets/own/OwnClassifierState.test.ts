import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { OwnClassifierState } from '../../../src/widgets/own/OwnClassifierState.svelte';
import { DRAWING_PIXELS, type DrawingClass } from '../../../src/ml/ownClassifier';
import { createRng } from '../../../src/ml/random';
import { useCpu } from '../../ml/helpers';
import { inThreadClient, until } from '../trainer/inThreadClient';

beforeAll(useCpu);

/** A 28×28 bar, horizontal or vertical, a little off centre each time. */
function bars(vertical: boolean, n: number, seed: number): Uint8Array[] {
  const random = createRng(seed);
  return Array.from({ length: n }, () => {
    const pixels = new Uint8Array(DRAWING_PIXELS);
    const at = 12 + Math.floor(random() * 4);
    for (let k = 4; k < 24; k++) for (let w = 0; w < 3; w++) pixels[vertical ? k * 28 + at + w : (at + w) * 28 + k] = 255;
    return pixels;
  });
}
const twoClasses = (n: number): DrawingClass[] => [
  { name: '—', drawings: bars(false, n, 1) },
  { name: '|', drawings: bars(true, n, 2) },
];

describe('OwnClassifierState', () => {
  it('refuses bad drawings with the reasons, leaving the drawings untouched and starting no worker', async () => {
    const own = new OwnClassifierState({ createClient: inThreadClient, backend: 'cpu' });
    const one = [twoClasses(12)[0]];
    const before = one[0].drawings.length;
    expect(await own.train(one)).toBe(false);
    expect(own.problems.join(' ')).toMatch(/at least 2 classes/);
    expect(await own.train(twoClasses(6))).toBe(false);
    expect(own.problems.join(' ')).toMatch(/at least 10 examples of “—”: it has 6/);
    expect(one[0].drawings).toHaveLength(before);
    expect(own.trainer.connected).toBe(false);
    expect(own.trained).toBeNull();
    own.dispose();
  });

  it('trains on a split with every class in both parts, then stops, retrains and frees every tensor', async () => {
    const baseline = tf.memory().numTensors;
    const own = new OwnClassifierState({ createClient: inThreadClient, backend: 'cpu' });
    expect(await own.train(twoClasses(10))).toBe(true);
    expect(own.problems).toEqual([]);
    expect(own.trained?.names).toEqual(['—', '|']);
    expect(own.trained?.split.heldOutCounts).toEqual([2, 2]);
    expect(own.trainer.summary?.layers.at(-1)?.outputShape).toEqual([2]);
    await until(() => own.trainer.progress.step >= 3, 30_000);
    await own.trainer.pause();
    expect(own.trainer.status).toBe('paused');
    // Training again (a class added) rebuilds the model on the same worker for three outputs.
    const three = [...twoClasses(10), { name: '+', drawings: bars(true, 10, 3).map((v, i) => v.map((p, j) => p | bars(false, 10, 4)[i][j])) }];
    expect(await own.train(three)).toBe(true);
    expect(own.trainer.summary?.layers.at(-1)?.outputShape).toEqual([3]);
    await until(() => own.trainer.progress.step >= 2, 30_000);
    await own.trainer.pause();
    own.dispose();
    await until(() => tf.memory().numTensors === baseline);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
