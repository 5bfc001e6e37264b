/**
 * A bundle's file map to and from disk (Node): a folder, or a `.zip` of it. Writing puts
 * manifest.json last, so an interrupted write never looks like a finished bundle. Reading a
 * folder takes every regular file under it (hidden files skipped) with the same limits as a zip
 * (10,000 files, 2 GB); reading a zip goes through unzipFiles' checks.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from '../core/bundle/manifest';
import { isSafeBundlePath } from '../core/bundle/paths';
import { readBundle, type Bundle } from '../core/bundle/reader';
import { ZIP_LIMITS, unzipFiles, zipFiles } from '../core/bundle/zip';
import { CodecError } from '../core/errors';

function fail(p: string, msg: string): never {
  throw new CodecError('BundleError', `bundle: ${p}: ${msg}`);
}

/** Writes `files` under the folder `out`, or as one zip archive when `out` ends with .zip. */
export async function writeBundleDir(out: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const name of files.keys()) if (!isSafeBundlePath(name)) fail(name, 'not a relative path inside the bundle; nothing written.');
  if (out.toLowerCase().endsWith('.zip')) {
    await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await fs.writeFile(out, zipFiles(files));
    return;
  }
  const order = [...files.keys()].filter((k) => k !== MANIFEST_FILE);
  if (files.has(MANIFEST_FILE)) order.push(MANIFEST_FILE);
  for (const name of order) {
    const p = path.join(out, ...name.split('/'));
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, files.get(name)!);
  }
}

/** Relative '/'-separated paths of the regular files under `dir` (hidden entries skipped). */
async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else if (e.isFile()) out.push(r);
    if (out.length > ZIP_LIMITS.maxEntries) fail(dir, `more than ${ZIP_LIMITS.maxEntries} files; not a bundle folder?`);
  }
  return out;
}

/** The file map of a bundle folder or .zip file. */
export async function readBundleFiles(p: string): Promise<Map<string, Uint8Array>> {
  const stat = await fs.stat(p).catch(() => null);
  if (!stat) fail(p, 'no such folder or zip file.');
  if (stat.isFile()) {
    if (stat.size > ZIP_LIMITS.maxBytes) fail(p, `${stat.size} bytes, over the limit of ${ZIP_LIMITS.maxBytes}.`);
    const b = await fs.readFile(p);
    const files = unzipFiles(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), path.basename(p));
    if (!files.has('manifest.json')) fail(p, 'the archive holds no manifest.json (not an analysis bundle).');
    return files;
  }
  const names = await walk(p);
  let total = 0;
  const sizes = await Promise.all(names.map(async (f) => (await fs.stat(path.join(p, f))).size));
  for (const s of sizes) total += s;
  if (total > ZIP_LIMITS.maxBytes) fail(p, `files total ${total} bytes, over the limit of ${ZIP_LIMITS.maxBytes}.`);
  const files = new Map<string, Uint8Array>();
  for (const f of names) {
    const b = await fs.readFile(path.join(p, f));
    files.set(f, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }
  return files;
}

/** readBundle over a folder or .zip on disk (manifest validated against the file sizes). */
export async function readBundleFromDisk(p: string): Promise<Bundle> {
  return readBundle(await readBundleFiles(p));
}
