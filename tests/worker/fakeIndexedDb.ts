// A minimal IndexedDB for Node with the one guarantee the model store relies on: a transaction's
// writes are applied all together when it completes, or not at all when one of its requests fails
// (it aborts). `failDeletesIn` makes every delete in that object store fail, as a full or broken
// disk might.
type Handler = ((event?: unknown) => void) | null;

interface FakeRequest {
  result?: unknown;
  error: Error | null;
  onsuccess: Handler;
  onerror: Handler;
  onupgradeneeded?: Handler;
}

export interface FakeIndexedDb {
  factory: IDBFactory;
  /** store name → key → value, as committed. */
  stores: Map<string, Map<string, unknown>>;
  failDeletesIn: string | null;
  /** The object stores each transaction spanned, in order. */
  transactions: string[][];
}

export function fakeIndexedDb(): FakeIndexedDb {
  const fake: FakeIndexedDb = { factory: null as unknown as IDBFactory, stores: new Map(), failDeletesIn: null, transactions: [] };
  let exists = false;

  const db = {
    createObjectStore(name: string) {
      fake.stores.set(name, new Map());
    },
    close() {},
    transaction(names: string[], _mode: string) {
      fake.transactions.push([...names]);
      const pending: (() => void)[] = [];
      let failure: Error | null = null;
      const transaction = {
        error: null as Error | null,
        oncomplete: null as Handler,
        onerror: null as Handler,
        onabort: null as Handler,
        objectStore(name: string) {
          if (!names.includes(name) || !fake.stores.has(name)) throw new Error(`NotFoundError: no object store ${name} in this transaction`);
          return {
            delete(key: string) {
              const request: FakeRequest = { error: null, onsuccess: null, onerror: null };
              if (fake.failDeletesIn === name) failure ??= Object.assign(new Error(`Deleting from ${name} failed.`), { name: 'UnknownError' });
              else pending.push(() => fake.stores.get(name)!.delete(key));
              return request;
            },
          };
        },
      };
      setTimeout(() => {
        if (failure) {
          transaction.error = failure;
          transaction.onerror?.();
          transaction.onabort?.();
          return;
        }
        for (const apply of pending) apply();
        transaction.oncomplete?.();
      });
      return transaction;
    },
  };

  fake.factory = {
    open() {
      const request: FakeRequest = { result: db, error: null, onsuccess: null, onerror: null, onupgradeneeded: null };
      setTimeout(() => {
        if (!exists) {
          exists = true;
          request.onupgradeneeded?.();
        }
        request.onsuccess?.();
      });
      return request;
    },
  } as unknown as IDBFactory;
  return fake;
}
