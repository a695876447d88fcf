// Every real lesson in lessons/, as the page receives it from virtual:lessons (compiled and
// sanitised by scripts/lessonsPlugin.ts): it must parse, name only registered widgets, use valid
// fences, and give its self-checking exercises targets the widgets can meet.
import lessonLibrary from 'virtual:lessons';
import { lessonBody } from '../../src/app/lessons';
import { describe, expect, it } from 'vitest';
import { exercisesForWidget, findLesson } from '../../src/app/lessonLibrary';

describe('the lessons in lessons/', () => {
  it('all parse without errors', () => {
    expect(lessonLibrary.errors.map((e) => e.message)).toEqual([]);
    expect(lessonLibrary.lessons.length).toBeGreaterThan(0);
  });

  it('have no broken widget or exercises blocks', async () => {
    for (const lesson of lessonLibrary.lessons) {
      const body = await lessonBody(lesson.slug);
      expect(body.length, lesson.slug).toBeGreaterThan(0);
      expect(body.filter((segment) => segment.kind === 'error'), lesson.slug).toEqual([]);
    }
  });

  it('starts with lesson 1, the digit classifier with its trainer widget', async () => {
    const [first] = lessonLibrary.lessons;
    expect(first.segments).toEqual([]); // the body is a chunk of its own
    expect(first).toMatchObject({
      slug: '01-train-a-digit-classifier',
      title: 'Your first digit classifier',
      order: 1,
    });
    expect(await lessonBody(first.slug)).toContainEqual({
      kind: 'widget',
      name: 'mnist-trainer',
      props: { model: 'cnn', epochs: 3, learningRate: 0.015, batchSize: 32, schedule: 'oneCycle' },
    });
  });

  it('give each self-checking exercise its target in the frontmatter', () => {
    const checks = Object.fromEntries(
      lessonLibrary.lessons.flatMap((lesson) => lesson.exercises.flatMap((e) => (e.check ? [[e.id, e.check]] : []))),
    );
    expect(checks).toEqual({
      'compare-models': { widget: 'mnist-trainer', when: { modelsTrained: { min: 3 } } },
      'study-mistakes': { widget: 'mnist-trainer', when: { wrongOnlyViewed: true } },
      'fool-the-model': { widget: 'mnist-trainer', when: { fooled: true } },
      'hand-fit': { widget: 'line-fitter', when: { handMse: { below: 0.05 } } },
      'descent-fit': { widget: 'line-fitter', when: { converged: true } },
      'find-divergence': { widget: 'line-fitter', when: { diverged: true } },
      'fast-convergence': { widget: 'line-fitter', when: { convergedStep: { below: 50 } } },
      'update-by-hand': { widget: 'code-cell', when: { cell: 'descent-by-hand', aboveBest: { below: 0.01 } } },
      'small-sine': {
        widget: 'curve-fitter',
        when: { dataset: 'sine', hiddenLayers: { min: 1 }, hiddenUnits: { max: 8 }, valLoss: { below: 0.02 } },
      },
      'separate-spiral': { widget: 'classifier-playground', when: { dataset: 'spiral', valLoss: { below: 0.1 } } },
      'own-vertical-kernel': {
        widget: 'kernel-explorer',
        when: { preset: 'custom', verticalEdge: { min: 1 }, horizontalEdge: { max: 0.2 }, flatInk: { max: 0.2 } },
      },
      'cnn-97': { widget: 'cnn-inspector', when: { valAccuracy: { min: 0.97 } } },
      'linear-beats-baseline': { widget: 'digit-baseline', when: { linearGainPoints: { min: 8 } } },
      'mlp-beats-baseline': { widget: 'digit-baseline', when: { mlpGainPoints: { min: 12 } } },
      'ladder-agrees': { widget: 'abstraction-ladder', when: { rungsAgree: true, seed: { min: 2 } } },
      'raw-rung-89': { widget: 'code-cell', when: { cell: 'raw-tensor-rung', valAccuracy: { min: 0.89 } } },
      'open-a-mistake': { widget: 'error-analysis', when: { mistakeOpened: true } },
      'your-handwriting': { widget: 'error-analysis', when: { ownCount: { min: 10 }, ownAccuracy: { min: 0.8 } } },
      'three-classes': { widget: 'own-classifier', when: { classes: { min: 3 }, heldOutAccuracy: { min: 0.9 } } },
      'see-the-gap': { widget: 'overfitting-lab', when: { trainCount: { max: 200 }, trainAccuracy: { min: 0.95 }, gap: { min: 0.1 } } },
      'more-data': { widget: 'overfitting-lab', when: { l2: 0, dropout: 0, augment: false, gap: { below: 0.03 }, valAccuracy: { min: 0.93 } } },
      'close-the-gap': { widget: 'overfitting-lab', when: { trainCount: { max: 200 }, gap: { below: 0.08 }, valAccuracy: { min: 0.85 } } },
      challenge: { widget: 'mnist-trainer', when: { valAccuracy: { min: 0.98 }, epoch: { max: 3 } } },
    });
  });

  it('hand the curve fitter its exercise with the text it shows when done', () => {
    const lesson = findLesson(lessonLibrary, '04-neural-network-curves')!;
    const [exercise] = exercisesForWidget(lesson.exercises, 'curve-fitter');
    expect(exercise.id).toBe('small-sine');
    expect(exercise.doneHtml).toBe('validation loss under 0.02 on the sine with 8 hidden units or fewer.');
  });
});
