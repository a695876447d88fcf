// Lesson 9's "Stuck?" paragraph quotes the very recipe bench/lesson9Recipe.ts trains over 5 seeds
// (`npm run bench`: 98.10 / 98.20 / 98.00 / 98.10 / 98.15 % on 2026-12-07; about 2 minutes, so not
// part of `npm test`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeModel } from '../../src/ml/modelSpec';
import { LESSON9_RECIPE, lesson9RecipeSpec } from '../../bench/lesson9Recipe';

describe("lesson 9's challenge with the lesson's recipe", () => {
  it('the lesson quotes the recipe: filters, units, parameters, batch size, learning rate, one-cycle, 3 epochs', () => {
    const lesson = readFileSync(new URL('../../lessons/09-tuning.md', import.meta.url), 'utf8');
    const stuck = /\*\*Stuck\?\*\*([^\n]*)/.exec(lesson)?.[1] ?? '';
    expect(stuck).not.toBe('');
    const r = LESSON9_RECIPE;
    for (const quoted of [`**${r.filters[0]}**`, `**${r.filters[1]}**`, `**${r.units}**`, r.params.toLocaleString('en'), `**Batch size** to **${r.batchSize}**`, `**Learning rate** to **${r.learningRate}**`, '**One-cycle**', `**Epochs** to **${r.epochs}**`]) {
      expect(stuck, quoted).toContain(quoted);
    }
    expect(describeModel(lesson9RecipeSpec(), [28, 28, 1], 10).totalParams).toBe(r.params);
  });
});
