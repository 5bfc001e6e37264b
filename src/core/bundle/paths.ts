/**
 * Safe file names inside a bundle: relative, '/'-separated, no '.' or '..' segments, no empty
 * segments, no backslashes, drive letters or control characters, so that no reader (a folder on
 * disk, a zip, a URL) can be led outside the bundle.
 */
export function isSafeBundlePath(p: string): boolean {
  if (typeof p !== 'string' || p.length === 0 || p.length > 1024) return false;
  if (p.startsWith('/') || p.includes('\\') || /^[a-zA-Z]:/.test(p) || /[\u0000-\u001f]/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
