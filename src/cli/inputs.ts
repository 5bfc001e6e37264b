/**
 * The image inputs of the CLI: an image set file (`*.json` header + uint8 binary) or a folder of
 * PNG/JPEG files in file-name order, with labels from a CSV (`file,label`), from sub-folder names
 * (`<dir>/<class>/<image>`), or none. Pixels go through the shared resize and preprocessing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../core/bundle/manifest';
import { checkImageSetData, parseImageSetHeader } from '../core/data/imageset';
import { CodecError } from '../core/errors';
import { toModelInput } from '../core/image/preprocess';
import type { InputSet } from '../core/pipeline/imageBatch';
import { decodeImage } from './decodeImage';

export interface InputSetWithClasses extends InputSet {
  classNames?: string[];
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;

async function readImageSetFile(file: string, pre: Preprocessing, limit?: number): Promise<InputSetWithClasses> {
  const h = parseImageSetHeader(await fs.readFile(file, 'utf8'), path.basename(file));
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path.join(path.dirname(file), h.data));
  } catch {
    throw new CodecError('DataError', `imageset: ${h.data}: missing (named by ${path.basename(file)}).`);
  }
  const { pixels } = checkImageSetData(h, bytes);
  const n = Math.min(h.count, limit ?? h.count);
  const per = h.height * h.width * h.channels;
  const out = new Float32Array(n * pre.height * pre.width * pre.channels);
  for (let i = 0; i < n; i++) {
    toModelInput({ data: pixels.subarray(i * per, (i + 1) * per), width: h.width, height: h.height, channels: h.channels as 1 | 3 }, pre, out, i * pre.height * pre.width * pre.channels);
  }
  const names = (h.names ?? Array.from({ length: h.count }, (_, i) => `image-${i}`)).slice(0, n);
  return { data: out, n, height: pre.height, width: pre.width, channels: pre.channels, names, labels: h.labels?.slice(0, n), classNames: h.classNames };
}

async function listImages(dir: string): Promise<{ files: string[]; classOf?: string[] }> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files = entries.filter((e) => e.isFile() && IMAGE_EXT.test(e.name)).map((e) => e.name);
  const subdirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  if (files.length > 0 || subdirs.length === 0) return { files };
  const all: string[] = [];
  const classOf: string[] = [];
  for (const d of subdirs) {
    const inner = (await fs.readdir(path.join(dir, d))).filter((f) => IMAGE_EXT.test(f)).sort();
    for (const f of inner) {
      all.push(`${d}/${f}`);
      classOf.push(d);
    }
  }
  return { files: all, classOf };
}

async function readCsvLabels(file: string, names: string[], classNames?: string[]): Promise<number[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new CodecError('InputError', `labels: ${file}: cannot read the file.`);
  }
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const [f, l] = line.split(',').map((s) => s?.trim());
    if (f && l !== undefined && f !== 'file') map.set(f, l);
  }
  return names.map((n) => {
    const l = map.get(n) ?? map.get(path.basename(n));
    if (l === undefined) throw new CodecError('InputError', `labels: ${file}: no label for ${n}.`);
    const k = /^\d+$/.test(l) ? Number(l) : (classNames?.indexOf(l) ?? -1);
    if (k < 0) throw new CodecError('InputError', `labels: ${file}: label ${l} of ${n} is not a class index or known class name.`);
    return k;
  });
}

export async function loadInputSet(p: string, pre: Preprocessing, opts: { labelsCsv?: string; limit?: number; classNames?: string[] }): Promise<InputSetWithClasses> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch {
    throw new CodecError('InputError', `images: ${p}: no such file or folder.`);
  }
  if (stat.isFile()) {
    if (!p.endsWith('.json')) throw new CodecError('InputError', `images: ${p}: expected a folder of PNG/JPEG images or an image set .json file.`);
    return readImageSetFile(p, pre, opts.limit);
  }
  const { files: all, classOf } = await listImages(p);
  const files = all.slice(0, opts.limit ?? all.length);
  if (files.length === 0) throw new CodecError('InputError', `images: ${p}: no PNG or JPEG images found.`);
  const per = pre.height * pre.width * pre.channels;
  const data = new Float32Array(files.length * per);
  for (const [i, f] of files.entries()) {
    const bytes = await fs.readFile(path.join(p, f));
    toModelInput(decodeImage(bytes, f), pre, data, i * per);
  }
  let classNames = opts.classNames;
  let labels: number[] | undefined;
  if (opts.labelsCsv) labels = await readCsvLabels(opts.labelsCsv, files, classNames);
  else if (classOf) {
    classNames = [...new Set(classOf)].sort();
    labels = classOf.slice(0, files.length).map((c) => classNames!.indexOf(c));
  }
  return { data, n: files.length, height: pre.height, width: pre.width, channels: pre.channels, names: files, labels, classNames };
}
