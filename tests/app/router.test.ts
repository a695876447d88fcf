import { describe, expect, it } from 'vitest';
import { Router, type HashSource } from '../../src/app/Router.svelte';
import { lessonHref, parseHash } from '../../src/shared/routes';

describe('parseHash', () => {
  it.each([
    ['', { name: 'home' }],
    ['#', { name: 'home' }],
    ['#/', { name: 'home' }],
    ['#/lesson/01-train-a-digit-classifier', { name: 'lesson', slug: '01-train-a-digit-classifier' }],
    ['#/lesson/01-train-a-digit-classifier/', { name: 'lesson', slug: '01-train-a-digit-classifier' }],
    ['#/lesson/', { name: 'not-found', path: '/lesson/' }],
    ['#/lessons', { name: 'not-found', path: '/lessons' }],
    ['#/lesson/a/b', { name: 'not-found', path: '/lesson/a/b' }],
    ['#/lesson/%E0%A4%A', { name: 'not-found', path: '/lesson/%E0%A4%A' }],
  ])('%j → %j', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('round-trips lessonHref', () => {
    expect(parseHash(lessonHref('02-fitting-a-line'))).toEqual({ name: 'lesson', slug: '02-fitting-a-line' });
  });
});

describe('Router', () => {
  it('follows hashchange events until stopped', () => {
    const listeners = new Set<() => void>();
    const source: HashSource = {
      location: { hash: '#/' },
      addEventListener: (_type, listener) => listeners.add(listener),
      removeEventListener: (_type, listener) => listeners.delete(listener),
    };
    const router = new Router(source);
    const stop = router.start();
    source.location.hash = '#/lesson/01-x';
    listeners.forEach((listener) => listener());
    expect(router.route).toEqual({ name: 'lesson', slug: '01-x' });
    stop();
    expect(listeners.size).toBe(0);
  });
});
