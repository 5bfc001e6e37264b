/**
 * A bundle's file map as a zip archive and back (fflate). Unzipping first lists the central
 * directory without inflating anything and refuses, before allocating, an archive that declares
 * more than 10,000 entries or more than 2 GB uncompressed (a zip bomb) or has an entry whose path
 * could leave the bundle (`..`, absolute, drive letter, backslash). fflate inflates each entry
 * into a buffer of its declared size, so the declared total bounds the memory; an entry whose
 * data does not fill its declared size is refused as corrupt. Folder entries and macOS
 * `__MACOSX/`, `.DS_Store` files are skipped; one common leading folder (a zip of the bundle
 * folder itself) is stripped.
 */
import { unzipSync, zipSync, type UnzipFileInfo } from 'fflate';
import { CodecError } from '../errors';
import { isSafeBundlePath } from './paths';

export interface ZipLimits {
  /** Most entries (default 10,000). */
  maxEntries: number;
  /** Most uncompressed bytes in all (default 2 GB). */
  maxBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxBytes: 2 * 2 ** 30 };

function fail(name: string, msg: string): never {
  throw new CodecError('BundleError', `bundle: ${name}: ${msg}`);
}

const skipped = (p: string) => p.endsWith('/') || p.startsWith('__MACOSX/') || p.split('/').pop() === '.DS_Store';

/** The file map as a zip (deflate level 6 by default; 0 stores). Paths must stay inside the bundle. */
export function zipFiles(files: Map<string, Uint8Array>, { level = 6 }: { level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } = {}): Uint8Array {
  const obj: Record<string, Uint8Array> = {};
  for (const [k, v] of files) {
    if (!isSafeBundlePath(k)) fail(k, 'not a relative path inside the bundle; refusing to zip it.');
    obj[k] = v;
  }
  return zipSync(obj, { level });
}

/** The files of a zip archive (`name` names it in errors), checked as described above. */
export function unzipFiles(zip: Uint8Array, name = 'bundle.zip', limits: Partial<ZipLimits> = {}): Map<string, Uint8Array> {
  const { maxEntries, maxBytes } = { ...ZIP_LIMITS, ...limits };
  // Pass 1: the central directory only (the filter refuses everything, so nothing is inflated).
  const listed: UnzipFileInfo[] = [];
  try {
    unzipSync(zip, {
      filter: (f) => {
        listed.push(f);
        if (listed.length > maxEntries) throw new CodecError('BundleError', `bundle: ${name}: more than ${maxEntries} entries; refusing the archive.`);
        return false;
      },
    });
  } catch (e) {
    if (e instanceof CodecError) throw e;
    fail(name, `not a readable zip archive (${(e as Error).message}).`);
  }
  let total = 0;
  for (const f of listed) {
    const path = f.name.endsWith('/') ? f.name.slice(0, -1) : f.name;
    if (!isSafeBundlePath(path)) fail(name, `entry ${f.name} has an unsafe path.`);
    total += f.originalSize;
  }
  if (total > maxBytes) fail(name, `entries declare ${total} bytes uncompressed, over the limit of ${maxBytes}; refusing the archive.`);

  // Pass 2: inflate the wanted entries, each into a buffer of its declared size.
  const declared = new Map(listed.map((f) => [f.name, f.originalSize]));
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(zip, { filter: (f) => !skipped(f.name) });
  } catch (e) {
    fail(name, `corrupt zip archive (${(e as Error).message}).`);
  }
  for (const [k, v] of Object.entries(out)) {
    if (v.length !== declared.get(k)) fail(name, `entry ${k} is corrupt (${v.length} bytes, but the archive declares ${declared.get(k)}).`);
  }
  // A zip of the bundle folder itself: strip one common leading folder.
  const keys = Object.keys(out);
  const first = keys[0]?.split('/')[0] ?? '';
  const prefix = keys.length > 0 && keys.every((k) => k.includes('/') && k.startsWith(`${first}/`)) ? `${first}/` : '';
  return new Map(keys.map((k) => [k.slice(prefix.length), out[k]]));
}
