/**
 * One object store in an IndexedDB database that never fails its callers: every failure (no
 * IndexedDB, private mode, quota, a blocked upgrade) resolves to null, so a cache or a saved
 * session degrades to "nothing stored", never to an error. Used by the worker's analysis cache
 * (cache.ts) and the page's last session (src/app/lastSession.ts).
 */
export interface IdbStore {
  /** The open database, or null where IndexedDB cannot be used. */
  db(): Promise<IDBDatabase | null>;
  /** Runs one request on the store; its result, or null on any failure. */
  request<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T | null>;
}

/** `upgrade` creates or updates the store when the database is new or older than `version`. */
export function idbStore(name: string, store: string, version: number, upgrade: (req: IDBOpenDBRequest) => void): IdbStore {
  let dbPromise: Promise<IDBDatabase | null> | null = null;
  const db = () =>
    (dbPromise ??= new Promise((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve(null);
      const req = indexedDB.open(name, version);
      req.onupgradeneeded = () => upgrade(req);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    }));
  const request = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T | null> =>
    db().then(
      (d) =>
        new Promise<T | null>((resolve) => {
          if (!d) return resolve(null);
          try {
            const req = fn(d.transaction(store, mode).objectStore(store));
            req.onsuccess = () => resolve((req.result as T) ?? null);
            req.onerror = () => resolve(null);
          } catch {
            resolve(null);
          }
        }),
    );
  return { db, request };
}
