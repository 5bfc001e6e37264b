/**
 * Finished analyses in IndexedDB, one record per layer, keyed by model hash + image-set hash +
 * settings + layer: a reload (or a re-run after a cancel) recomputes only what is missing.
 * Every failure (private mode, quota) degrades to "no cache", never to an error.
 */
import { idbStore } from './idbStore';

const DB = 'codec-explorer';
const STORE = 'analyses';
const VERSION = 2;
/** Part of every key: bump when the engine's output for the same inputs changes. */
const SCHEMA = 'bundle-v1';
/** At most this many layer records are kept; the oldest go first. */
const MAX_RECORDS = 120;

export interface CachedLayer {
  key: string;
  files: [string, Uint8Array][];
  savedAt: number;
}

const { db: open, request } = idbStore(DB, STORE, VERSION, (req) => {
  const store = req.result.objectStoreNames.contains(STORE) ? req.transaction!.objectStore(STORE) : req.result.createObjectStore(STORE, { keyPath: 'key' });
  if (!store.indexNames.contains('savedAt')) store.createIndex('savedAt', 'savedAt');
});

export function cacheKey(modelHash: string, imageHash: string, settings: object, layer: string): string {
  return `${SCHEMA}|${modelHash}|${imageHash}|${JSON.stringify(settings)}|${layer}`;
}

export const getCached = (key: string) => request<CachedLayer>('readonly', (s) => s.get(key));

export async function putCached(key: string, files: Map<string, Uint8Array>): Promise<boolean> {
  const rec: CachedLayer = { key, files: [...files], savedAt: Date.now() };
  const ok = (await request<IDBValidKey>('readwrite', (s) => s.put(rec))) !== null;
  if (ok) await prune();
  return ok;
}

/** Drops the oldest records beyond MAX_RECORDS (walking the savedAt index, oldest first). */
async function prune(): Promise<void> {
  const count = await request<number>('readonly', (s) => s.count());
  if (count === null || count <= MAX_RECORDS) return;
  const db = await open();
  if (!db) return;
  await new Promise<void>((resolve) => {
    let extra = count - MAX_RECORDS;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const cursor = tx.objectStore(STORE).index('savedAt').openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c || extra <= 0) return;
        c.delete();
        extra--;
        c.continue();
      };
      tx.oncomplete = tx.onerror = tx.onabort = () => resolve();
    } catch {
      resolve();
    }
  });
}

export const clearCache = () => request<undefined>('readwrite', (s) => s.clear());
