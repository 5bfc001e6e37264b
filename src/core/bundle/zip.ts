/** A bundle's file map as a zip archive and back (fflate), refusing unsafe or oversized archives. */
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import { CodecError } from '../errors';

export const ZIP_LIMITS = { maxEntries: 10_000, maxBytes: 2 * 2 ** 30 };

export function zipFiles(files: Map<string, Uint8Array>): Uint8Array {
  const obj: Record<string, Uint8Array> = {};
  for (const [k, v] of files) obj[k] = v;
  return zipSync(obj, { level: 6 });
}

export function unzipFiles(zip: Uint8Array, name = 'bundle.zip'): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let bad: string | null = null;
  let out: Unzipped;
  try {
    out = unzipSync(zip, {
      filter: (f) => {
        entries++;
        total += f.originalSize;
        if (f.name.includes('..') || f.name.startsWith('/') || /^[a-zA-Z]:/.test(f.name)) bad = bad ?? `entry ${f.name} has an unsafe path`;
        if (entries > ZIP_LIMITS.maxEntries) bad = bad ?? `more than ${ZIP_LIMITS.maxEntries} entries`;
        if (total > ZIP_LIMITS.maxBytes) bad = bad ?? `more than ${ZIP_LIMITS.maxBytes} bytes uncompressed`;
        return bad === null && !f.name.endsWith('/');
      },
    });
  } catch (e) {
    throw new CodecError('BundleError', `bundle: ${name}: not a readable zip archive (${(e as Error).message}).`);
  }
  if (bad) throw new CodecError('BundleError', `bundle: ${name}: ${bad}.`);
  // A zip of the bundle folder itself: strip one common leading folder.
  const keys = Object.keys(out);
  const prefix = keys.length && keys.every((k) => k.includes('/')) ? keys[0].split('/')[0] + '/' : '';
  const strip = prefix && keys.every((k) => k.startsWith(prefix)) ? prefix : '';
  return new Map(keys.map((k) => [k.slice(strip.length), out[k]]));
}
