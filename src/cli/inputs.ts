/**
 * The image inputs of the CLI: an image set file (`*.json` header + uint8 binary, see
 * core/data/imageset.ts) or a folder of PNG/JPEG files (imageFolder.ts: file-name order, labels
 * from a CSV or sub-folder names), through the shared resize and preprocessing.
 */
import { promises as fs } from 'node:fs';
import type { Preprocessing } from '../core/bundle/manifest';
import { CodecError } from '../core/errors';
import { toModelInput } from '../core/image/preprocess';
import type { InputSet } from '../core/pipeline/imageBatch';
import { readImageFolder } from './imageFolder';
import { readImageSetFile } from './imagesetFile';

export interface InputSetWithClasses extends InputSet {
  classNames?: string[];
  /** With `range`: the whole set's count, names and labels (the set itself holds the range). */
  whole?: { n: number; names: string[]; labels?: number[] };
}

async function fromImageSet(file: string, pre: Preprocessing, limit?: number, range?: (n: number) => [number, number]): Promise<InputSetWithClasses> {
  const { header: h, pixels } = await readImageSetFile(file);
  const n = Math.min(h.count, limit ?? h.count);
  const [from, to] = range ? range(n) : [0, n];
  const per = h.height * h.width * h.channels;
  const outPer = pre.height * pre.width * pre.channels;
  const out = new Float32Array((to - from) * outPer);
  for (let i = from; i < to; i++) {
    toModelInput({ data: pixels.subarray(i * per, (i + 1) * per), width: h.width, height: h.height, channels: h.channels as 1 | 3, name: `${file}#${i}` }, pre, out, (i - from) * outPer);
  }
  const names = (h.names ?? Array.from({ length: h.count }, (_, i) => `image-${i}`)).slice(0, n);
  const labels = h.labels?.slice(0, n);
  const whole = range ? { whole: { n, names, labels } } : {};
  return { data: out, n: to - from, height: pre.height, width: pre.width, channels: pre.channels, names: names.slice(from, to), labels: labels?.slice(from, to), classNames: h.classNames, ...whole };
}

/**
 * `range(n)`: decode only images [start, end) of the n read (a shard); the set then holds those,
 * and `whole` the n images' names and labels.
 */
export async function loadInputSet(p: string, pre: Preprocessing, opts: { labelsCsv?: string; limit?: number; classNames?: string[]; range?: (n: number) => [number, number] }): Promise<InputSetWithClasses> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch {
    throw new CodecError('InputError', `images: ${p}: no such file or folder.`);
  }
  if (stat.isFile()) {
    if (!p.endsWith('.json')) throw new CodecError('InputError', `images: ${p}: expected a folder of PNG/JPEG images or an image set .json file.`);
    return fromImageSet(p, pre, opts.limit, opts.range);
  }
  if (opts.range) {
    // The listing first (cheap: names and labels), then only the range decoded.
    const listed = await readImageFolder(p, { preprocessing: pre, labelsCsv: opts.labelsCsv, classNames: opts.classNames, limit: opts.limit, range: [0, 0] });
    const [from, to] = opts.range(listed.files.length);
    const f = await readImageFolder(p, { preprocessing: pre, labelsCsv: opts.labelsCsv, classNames: opts.classNames, limit: opts.limit, range: [from, to] });
    return { data: f.images, n: to - from, height: pre.height, width: pre.width, channels: pre.channels, names: f.files.slice(from, to), labels: f.labels?.slice(from, to), classNames: f.classNames, whole: { n: f.files.length, names: f.files, labels: f.labels } };
  }
  const f = await readImageFolder(p, { preprocessing: pre, labelsCsv: opts.labelsCsv, classNames: opts.classNames, limit: opts.limit });
  return { data: f.images, n: f.files.length, height: pre.height, width: pre.width, channels: pre.channels, names: f.files, labels: f.labels, classNames: f.classNames };
}
