// What a failed browser-storage operation means, in the learner's words. Used on both sides of the
// worker: the worker stores weights with tfjs's indexeddb:// handler, the page keeps the list of
// saved models with idb-keyval, and both meet the same DOMExceptions.

export type StorageProblem = 'full' | 'refused' | 'other';

/** Sorts a storage failure: a full disk, a browser that refuses storage (private mode, blocked site data), or anything else. */
export function storageProblem(error: unknown): StorageProblem {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) return 'full';
  if (['SecurityError', 'InvalidStateError', 'NotAllowedError', 'UnknownError'].includes(name) || /indexeddb|not allowed|denied|mutation/i.test(message)) return 'refused';
  return 'other';
}

/** The notice for a failed storage operation; `doing` says what was being done ("save the model"). */
export function storageMessage(error: unknown, doing: string): string {
  switch (storageProblem(error)) {
    case 'full':
      return `Could not ${doing}: the browser's storage for this site is full. Delete saved models you no longer need, or download the model as files instead.`;
    case 'refused':
      return `Could not ${doing}: this browser does not let the page store data (private browsing, or site data blocked). Download the model as files instead.`;
    default:
      return `Could not ${doing}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
