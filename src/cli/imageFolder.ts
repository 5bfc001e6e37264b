/**
 * A folder of PNG/JPEG images as model input (Node). Files are listed by extension (.png, .jpg,
 * .jpeg, any case; hidden files skipped), decoded by magic bytes (decodeImage), resized with the
 * shared resizeImage and preprocessed with toModelInput, in file-name order (code-unit order of
 * the path relative to `dir`, so the same on every machine and locale).
 *
 * Labels, in this order of precedence:
 * - `labelsCsv`: lines `file,label` (an optional header line whose first field is file, filename,
 *   image or path; `#` comments and blank lines skipped; fields may be "quoted"). `file` is the
 *   path relative to `dir` or the base name; `label` a class index or a class name. Class names
 *   are `classNames` when given, else the sorted distinct names used in the CSV (absent when every
 *   label is an index).
 * - Sub-folders `<dir>/<class>/<image>` when `dir` itself holds no images: with `classNames`,
 *   a folder's label is its index there; else folders named by integers (0, 1, ..., 10) are those
 *   labels, and otherwise the classes are the folder names sorted and the label is the index.
 * - Otherwise no labels.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../core/bundle/manifest';
import { CodecError } from '../core/errors';
import { checkPreprocessing, toModelInput } from '../core/image/preprocess';
import { resizeImage } from '../core/image/resize';
import { decodeImage } from './decodeImage';

export interface ImageFolderOptions {
  /** Target size, channels and normalisation of the model's input. */
  preprocessing: Preprocessing;
  /** A `file,label` CSV (default: labels from sub-folders, or none). */
  labelsCsv?: string;
  /** Class names that name labels refer to (default: derived, see above). */
  classNames?: string[];
  /** Read at most this many images, the first in order (default: all). */
  limit?: number;
  /** Decode only images [start, end) of those (a shard, `analyze --shard`): `files` and `labels` still list all of them; `images` and `pixels` hold the range. */
  range?: [number, number];
}

export interface ImageFolder {
  /** Paths relative to the folder, '/'-separated, in reading order. */
  files: string[];
  labels?: number[];
  classNames?: string[];
  /** Model input, N x H x W x C float32 row-major (preprocessing applied). */
  images: Float32Array;
  /** The resized pixels before normalisation, N x H x W x C uint8 (for thumbnails, sprites). */
  pixels: Uint8Array;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;
/** The most model-input bytes one call builds (N x H x W x C x 4). */
const MAX_INPUT_BYTES = 2 ** 31;
const WHERE = 'readImageFolder';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isInteger = (s: string) => /^\d+$/.test(s);

async function isFileEntry(dir: string, e: Dirent): Promise<boolean> {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  return (await fs.stat(path.join(dir, e.name)).catch(() => null))?.isFile() ?? false;
}

async function isDirEntry(dir: string, e: Dirent): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  return (await fs.stat(path.join(dir, e.name)).catch(() => null))?.isDirectory() ?? false;
}

/** Image files directly in `dir` (hidden ones skipped), sorted. */
async function imagesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (!e.name.startsWith('.') && IMAGE_EXT.test(e.name) && (await isFileEntry(dir, e))) out.push(e.name);
  }
  return out.sort(byCodeUnits);
}

/** The images of `dir`, flat or one level of class sub-folders (`folderOf` then set). */
async function listImages(dir: string): Promise<{ files: string[]; folderOf?: string[] }> {
  const flat = await imagesIn(dir);
  if (flat.length > 0) return { files: flat };
  const files: string[] = [];
  const folderOf: string[] = [];
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => byCodeUnits(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || !(await isDirEntry(dir, e))) continue;
    for (const f of await imagesIn(path.join(dir, e.name))) {
      files.push(`${e.name}/${f}`);
      folderOf.push(e.name);
    }
  }
  return { files, folderOf: files.length ? folderOf : undefined };
}

/** Splits one CSV line on commas, honouring "quoted" fields with "" escapes. */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (quoted && ch === '"') {
      quoted = false;
    } else if (!quoted && ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (!quoted && ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur.trim());
  return out;
}

/** `file -> label text` from a CSV, with one-line DataErrors naming the CSV and line. */
async function readCsv(csv: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await fs.readFile(csv, 'utf8');
  } catch {
    throw new CodecError('InputError', `${WHERE}: ${csv}: cannot read the labels file.`);
  }
  const map = new Map<string, string>();
  let first = true;
  for (const [i, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = splitCsvLine(line);
    const header = first && /^(file|filename|image|path)$/i.test(fields[0] ?? '');
    first = false;
    if (header) continue;
    if (fields.length !== 2 || !fields[0] || !fields[1]) throw new CodecError('DataError', `${WHERE}: ${path.basename(csv)}: line ${i + 1}: expected "file,label", but got "${line.slice(0, 80)}".`);
    const f = fields[0].replace(/\\/g, '/').replace(/^\.\//, '');
    const prev = map.get(f);
    if (prev !== undefined && prev !== fields[1]) throw new CodecError('DataError', `${WHERE}: ${path.basename(csv)}: line ${i + 1}: ${f} is labelled both ${prev} and ${fields[1]}.`);
    map.set(f, fields[1]);
  }
  return map;
}

/** Label texts (indices or names) to indices and the class names they refer to. */
function resolveLabels(texts: string[], files: string[], source: string, given?: string[]): { labels: number[]; classNames?: string[] } {
  const names = given ?? (texts.every(isInteger) ? undefined : [...new Set(texts.filter((t) => !isInteger(t)))].sort(byCodeUnits));
  if (names && !given && texts.some(isInteger)) {
    throw new CodecError('DataError', `${WHERE}: ${source}: labels mix class indices and class names (${texts.find(isInteger)} and ${names[0]}); use one kind, or give the class names.`);
  }
  const labels = texts.map((t, i) => {
    const k = isInteger(t) ? Number(t) : (names?.indexOf(t) ?? -1);
    if (k < 0 || (names && k >= names.length)) {
      throw new CodecError('DataError', `${WHERE}: ${source}: label ${t} of ${files[i]} is not a class index${names ? ` below ${names.length}` : ''} or a known class name.`);
    }
    return k;
  });
  return { labels, classNames: names };
}

/**
 * Reads the PNG/JPEG images of `dir` (see the top of this file) as model input and uint8 pixels.
 * Errors (one line each): a missing folder, no images, an undecodable image (decodeImage's
 * message), a malformed CSV or a missing/unknown label.
 */
export async function readImageFolder(dir: string, { preprocessing: pre, labelsCsv, classNames, limit, range }: ImageFolderOptions): Promise<ImageFolder> {
  checkPreprocessing(pre, WHERE);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new CodecError('InputError', `${WHERE}: limit must be an integer >= 1, but got ${limit}.`);
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new CodecError('InputError', `${WHERE}: ${dir}: no such folder.`);
  if (!stat.isDirectory()) throw new CodecError('InputError', `${WHERE}: ${dir}: not a folder.`);
  const listed = await listImages(dir);
  if (listed.files.length === 0) throw new CodecError('InputError', `${WHERE}: ${dir}: no PNG or JPEG images found.`);
  const n = Math.min(listed.files.length, limit ?? Infinity);
  const files = listed.files.slice(0, n);
  const per = pre.height * pre.width * pre.channels;
  const [from, to] = range ? [Math.min(range[0], n), Math.min(range[1], n)] : [0, n];
  const m = to - from;
  if (m * per * 4 > MAX_INPUT_BYTES) {
    throw new CodecError('InputError', `${WHERE}: ${dir}: ${m} images of ${pre.height}x${pre.width}x${pre.channels} need ${((n * per * 4) / 2 ** 30).toFixed(1)} GB, over the limit of ${MAX_INPUT_BYTES / 2 ** 30} GB; read fewer (limit).`);
  }

  // Labels first, so a bad CSV fails before any decoding.
  let labels: number[] | undefined;
  let names = classNames;
  if (labelsCsv) {
    const map = await readCsv(labelsCsv);
    const base = path.basename(labelsCsv);
    const texts = files.map((f) => {
      const t = map.get(f) ?? map.get(path.posix.basename(f));
      if (t === undefined) throw new CodecError('DataError', `${WHERE}: ${base}: no label for ${f}.`);
      return t;
    });
    ({ labels, classNames: names } = resolveLabels(texts, files, base, classNames));
  } else if (listed.folderOf) {
    const folders = listed.folderOf.slice(0, n);
    if (classNames || folders.every(isInteger)) ({ labels, classNames: names } = resolveLabels(folders, files, `${dir} (sub-folders)`, classNames));
    else {
      names = [...new Set(listed.folderOf)].sort(byCodeUnits);
      labels = folders.map((f) => names!.indexOf(f));
    }
  }

  const images = new Float32Array(m * per);
  const pixels = new Uint8Array(m * per);
  for (const [i, f] of files.slice(from, to).entries()) {
    const decoded = decodeImage(await fs.readFile(path.join(dir, f)), f);
    const px = resizeImage(decoded, pre);
    pixels.set(px.data, i * per);
    toModelInput(px, pre, images, i * per);
  }
  return { files, images, pixels, ...(labels ? { labels } : {}), ...(names ? { classNames: names } : {}) };
}
