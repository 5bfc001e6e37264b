/**
 * The view an exported bundle opens at: `view.json` in the zip, `{"hash": "#layer=...&mode=..."}`
 * (the page's view hash, see app/store/urlState.ts, without bundle or analysis fields). The
 * manifest is left as analyze wrote it; a bundle without the file opens at the default view.
 */
export const VIEW_FILE = 'view.json';

export function viewFile(hash: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ hash }));
}

/** The exported view's hash, or null (no view.json, or not a readable one). */
export function exportedView(files: Map<string, Uint8Array>): string | null {
  const bytes = files.get(VIEW_FILE);
  if (!bytes) return null;
  try {
    const hash = (JSON.parse(new TextDecoder().decode(bytes)) as { hash?: unknown }).hash;
    return typeof hash === 'string' && hash.length < 2000 ? hash : null;
  } catch {
    return null;
  }
}
