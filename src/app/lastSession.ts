/**
 * The last analysis run on this page, kept in IndexedDB so a reload brings it back: the uploaded
 * model and image files (File objects, stored as they are; they never leave the browser), the
 * analysis settings and the view (layer, source, mode, image, ablation). The results themselves
 * are the worker's per-layer cache (src/worker/cache.ts), which a restore reads without
 * recomputing. Every failure (private mode, quota) degrades to "nothing saved", never an error.
 */
import type { AnalyzeSettings, FileEntry, ImageOptions } from '../worker/api';
import { idbStore } from '../worker/idbStore';
import type { UrlView } from './store/urlState';

export interface LastSession {
  modelFiles: FileEntry[];
  images: { files: FileEntry[] } | { url: string; maxImages: number };
  imageOptions: ImageOptions;
  settings: AnalyzeSettings;
  view: UrlView | null;
  savedAt: number;
}

const DB = 'codec-explorer-session';
const STORE = 'last';
const KEY = 'last';
/** Uploads above this many bytes are not kept (the quota is the browser's; this keeps it modest). */
export const MAX_SAVED_BYTES = 256 * 1024 * 1024;

const { request: run } = idbStore(DB, STORE, 1, (req) => void req.result.createObjectStore(STORE));

export function sessionBytes(s: Pick<LastSession, 'modelFiles' | 'images'>): number {
  const files = [...s.modelFiles, ...('files' in s.images ? s.images.files : [])];
  return files.reduce((a, f) => a + f.file.size, 0);
}

/** Saves the session (false when too large or the browser refuses). */
export async function saveLastSession(s: LastSession): Promise<boolean> {
  if (sessionBytes(s) > MAX_SAVED_BYTES) return false;
  return (await run<IDBValidKey>('readwrite', (st) => st.put(s, KEY))) !== null;
}

export const loadLastSession = () => run<LastSession>('readonly', (st) => st.get(KEY));

/** Updates only the view of the saved session. */
export async function saveLastView(view: UrlView): Promise<void> {
  const s = await loadLastSession();
  if (s) await run('readwrite', (st) => st.put({ ...s, view }, KEY));
}

export const clearLastSession = () => run<undefined>('readwrite', (st) => st.delete(KEY));
