// Hash routing (the URL format is src/shared/routes.ts): follows `hashchange` and exposes the
// current route to the shell.
import { parseHash, type Route } from '../shared/routes';

/** The part of `window` the router uses, so tests can pass a fake. */
export interface HashSource {
  location: { hash: string };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

export class Router {
  #source: HashSource;
  #route = $state<Route>({ name: 'home' });
  #onHashChange = () => {
    this.#route = parseHash(this.#source.location.hash);
  };

  constructor(source: HashSource) {
    this.#source = source;
    this.#route = parseHash(source.location.hash);
  }

  get route(): Route {
    return this.#route;
  }

  /** Starts following the address bar; returns the function that stops it. */
  start(): () => void {
    this.#source.addEventListener('hashchange', this.#onHashChange);
    this.#onHashChange();
    return () => this.#source.removeEventListener('hashchange', this.#onHashChange);
  }
}
