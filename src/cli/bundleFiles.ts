/** A bundle's file map to and from disk: a folder, or a .zip of it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readBundle, type Bundle } from '../core/bundle/reader';
import { unzipFiles, zipFiles } from '../core/bundle/zip';
import { CodecError } from '../core/errors';

export async function writeBundleDir(out: string, files: Map<string, Uint8Array>): Promise<void> {
  if (out.endsWith('.zip')) {
    await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await fs.writeFile(out, zipFiles(files));
    return;
  }
  for (const [name, bytes] of files) {
    const p = path.join(out, name);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, bytes);
  }
}

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, base)));
    else if (e.isFile()) out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

export async function readBundleFiles(p: string): Promise<Map<string, Uint8Array>> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch {
    throw new CodecError('BundleError', `bundle: ${p}: no such folder or zip file.`);
  }
  if (stat.isFile()) return unzipFiles(await fs.readFile(p), path.basename(p));
  const files = new Map<string, Uint8Array>();
  for (const f of await walk(p)) files.set(f, await fs.readFile(path.join(p, f)));
  return files;
}

export async function readBundleFromDisk(p: string): Promise<Bundle> {
  return readBundle(await readBundleFiles(p));
}
