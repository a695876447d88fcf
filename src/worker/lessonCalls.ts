// Requests only one lesson's widget makes (they look into the model or the digits, they do not
// train): kept out of TrainingHandler, which routes them here with what they may read.
import type { TrainingSession } from '../ml/TrainingSession';
import { featureMapsOf, filtersOf } from './inspection';
import { pixelBaseline, runLadderRung, validationImages, type LoadedDigits } from './digitLessonCalls';
import { validationProbabilities } from './validationProbabilities';
import { augmentedSamples } from './augmentedSamples';
import { WorkerError } from './protocol';
import type { Calls } from './protocol';

export interface LessonCallAccess {
  /** The session in use (throws a clear error when there is none). */
  session(): TrainingSession;
  /** The loaded digits and their split (throws when no digits are loaded). */
  digits(): LoadedDigits;
}

type Handler<K extends keyof Calls> = (request: Calls[K]['request']) => Promise<Calls[K]['reply']>;

export function lessonCallHandlers(access: LessonCallAccess): { [K in 'validationImages' | 'featureMaps' | 'filters' | 'pixelBaseline' | 'ladderRung' | 'validationProbabilities' | 'augmentedSamples']: Handler<K> } {
  return {
    validationImages: async ({ limit }) => validationImages(access.digits(), limit),
    // Lesson 6: the pixel-similarity baseline and the abstraction ladder.
    pixelBaseline: async () => pixelBaseline(access.digits()),
    ladderRung: async (request) => runLadderRung(access.digits(), request),
    // Lesson 7: what the CNN's layers see.
    featureMaps: async ({ x }) => featureMapsOf(access.session(), x),
    filters: async () => filtersOf(access.session()),
    // Lesson 10: the model's probabilities for every validation digit (error analysis).
    validationProbabilities: async () => validationProbabilities(access.session(), access.digits().data),
    // Lesson 8: training digits with versions shifted and turned as augmentation does.
    augmentedSamples: async (request) => {
      const { data } = access.digits();
      if (!data) throw new WorkerError('Load the data before asking for samples.', 'noData');
      return augmentedSamples(data, request);
    },
  };
}
