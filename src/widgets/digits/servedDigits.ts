import type { TaskSpec } from '../../ml/trainingTypes';

/** Where the app serves its 10,000 digits (public/data/), relative to the page. */
export function servedDigitsUrl(): string {
  return new URL('data/mnist-10k.bin', document.baseURI).href;
}

/** The digits the app serves, as a training task. */
export function servedDigits(): TaskSpec {
  return { kind: 'mnist', url: servedDigitsUrl() };
}
