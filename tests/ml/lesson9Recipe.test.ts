// Lesson 9's challenge (98 % validation accuracy within 3 epochs) with the settings the lesson's
// "Stuck?" paragraph gives, trained as the app trains it: the wasm backend with its speed-ups, the
// app's 8,000 / 2,000 split, evaluations four times an epoch. It must make it in at least 4 of 5
// seeds, and the lesson must quote the very numbers trained here.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/ml/TrainingSession';
import { digitsTrainingData, DIGITS_TUNING } from '../../src/ml/mnist';
import { describeModel, MNIST_PRESETS, type LayerSpec, type ModelSpec } from '../../src/ml/modelSpec';
import { defaults } from '../../src/ml/schema';
import { TRAINING_SCHEMA, type Hyperparams } from '../../src/ml/hyperparams';
import { bestWithin } from '../../src/widgets/digits/mnistFigures';
import type { Evaluation } from '../../src/ml/trainingTypes';
import { loadAssetFromDisk, useCpu, useWasm } from './helpers';

/**
 * The recipe lessons/09-tuning.md gives: the small CNN with its two conv layers widened to 24 and
 * 48 filters and a dense layer of 256 units (ReLU, as the Architecture tab adds it) before the
 * output, Adam with batches of 32, one-cycle at a peak learning rate of 0.005, 3 epochs.
 */
export const LESSON9_RECIPE = { filters: [24, 48], units: 256, params: 228_906, batchSize: 32, learningRate: 0.005, schedule: 'oneCycle', epochs: 3 } as const;

const SEEDS = [42, 43, 44, 45, 46]; // 42 is the seed every run in the app starts from
const TARGET = 0.98;

function recipeSpec(): ModelSpec {
  let conv = 0;
  const layers: LayerSpec[] = MNIST_PRESETS.cnn.layers.map((layer) => (layer.type === 'conv2d' ? { ...layer, filters: LESSON9_RECIPE.filters[conv++] } : { ...layer }));
  layers.push({ type: 'dense', units: LESSON9_RECIPE.units, activation: 'relu' });
  return { layers };
}

beforeAll(useWasm);
afterAll(useCpu);

describe("lesson 9's challenge with the lesson's recipe", () => {
  it('the lesson quotes the recipe: filters, units, parameters, batch size, learning rate, one-cycle, 3 epochs', () => {
    const lesson = readFileSync(new URL('../../lessons/09-tuning.md', import.meta.url), 'utf8');
    const stuck = /\*\*Stuck\?\*\*([^\n]*)/.exec(lesson)?.[1] ?? '';
    expect(stuck).not.toBe('');
    const r = LESSON9_RECIPE;
    for (const quoted of [`**${r.filters[0]}**`, `**${r.filters[1]}**`, `**${r.units}**`, r.params.toLocaleString('en'), `**Batch size** to **${r.batchSize}**`, `**Learning rate** to **${r.learningRate}**`, '**One-cycle**', `**Epochs** to **${r.epochs}**`]) {
      expect(stuck, quoted).toContain(quoted);
    }
    expect(describeModel(recipeSpec(), [28, 28, 1], 10).totalParams).toBe(r.params);
  });

  it(`reaches 98 % within 3 epochs in at least 4 of seeds ${SEEDS.join(', ')} on wasm`, async () => {
    const { data } = digitsTrainingData(await loadAssetFromDisk(), 2000, 1234); // the worker's 'load'
    expect([data.train.count, data.validation!.count]).toEqual([8000, 2000]);
    const hyper: Hyperparams = { ...defaults(TRAINING_SCHEMA), optimizer: 'adam', batchSize: LESSON9_RECIPE.batchSize, learningRate: LESSON9_RECIPE.learningRate, schedule: LESSON9_RECIPE.schedule, epochs: LESSON9_RECIPE.epochs };
    const results: { seed: number; best: Evaluation; seconds: number }[] = [];
    const started = performance.now();
    for (const seed of SEEDS) {
      const evaluations: Evaluation[] = [];
      const t0 = performance.now();
      const session = new TrainingSession({ spec: recipeSpec(), data, hyper, seed, evaluationsPerEpoch: DIGITS_TUNING.evaluationsPerEpoch, callbacks: { onEvaluate: (e) => evaluations.push(e) } });
      await session.train();
      expect(session.state).toBe('done');
      await session.dispose();
      const best = bestWithin(evaluations, LESSON9_RECIPE.epochs)!;
      const seconds = (performance.now() - t0) / 1000;
      results.push({ seed, best, seconds });
      const curve = evaluations.map((e) => `${e.epoch.toFixed(2)}: ${(100 * e.valAccuracy!).toFixed(2)}`).join(', ');
      console.log(`lesson 9 recipe, seed ${seed}: best ${(100 * best.valAccuracy!).toFixed(2)} % at epoch ${best.epoch.toFixed(2)} (${seconds.toFixed(0)} s; ${curve})`);
    }
    const made = results.filter((r) => r.best.valAccuracy! >= TARGET);
    console.log(`lesson 9 recipe: ${made.length} of ${SEEDS.length} seeds reach 98 % within 3 epochs; bests ${results.map((r) => (100 * r.best.valAccuracy!).toFixed(2)).join(' / ')} %; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
    expect(made.length).toBeGreaterThanOrEqual(4);
  }, 1_800_000);
});
