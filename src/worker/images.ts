/**
 * An image set from dropped files, decoded and resized in the worker: formats and sizes checked
 * from the headers first (non-images and huge images are skipped with a reason), labels from
 * sub-folder names or a CSV (`file,label`), class names from a text file (one per line) or the
 * model card. Pixels become the model's input by the preprocessing:
 * x = (pixel/255 * scale + offset - mean[c]) / std[c].
 */
import { toModelInput } from '../core/image/preprocess';
import { inputToRgba } from '../core/image/denormalise';
import { checkImageSize, type Pixels } from '../core/image/resize';
import type { InputSet } from '../core/pipeline/imageBatch';
import type { FileEntry, ImageOptions, ImageSetInfo, Preprocessing, SpriteData } from './api';
import { readImageHeader } from './imageHeader';
import { sha256Hex } from './model';
import { labelsAgainstModel } from './folderLabels';

export interface LoadedImages {
  set: InputSet;
  info: ImageSetInfo;
  sprite: SpriteData;
}

const IMAGE_EXT = /\.(png|jpe?g|gif|webp|bmp)$/i;
const base = (p: string) => p.split('/').pop() ?? p;

function fail(msg: string): never {
  throw Object.assign(new Error(msg), { name: 'ImageError' });
}

function parseCsv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [f, l] = t.split(/[,;\t]/).map((s) => s.trim().replace(/^"|"$/g, ''));
    if (f && l !== undefined && !/^(file|filename|image|path)$/i.test(f)) out.set(base(f), l);
  }
  return out;
}

/**
 * Decodes one image file to RGBA at its own size (the browser's decoder, no resampling): the
 * engine's resize then gives the same pixels in the browser and in Node.
 */
async function decodeFull(file: File): Promise<Pixels> {
  const bmp = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) fail('images: no 2D canvas in this worker.');
    ctx.drawImage(bmp, 0, 0);
    return { data: ctx.getImageData(0, 0, bmp.width, bmp.height).data, width: bmp.width, height: bmp.height, channels: 4 };
  } finally {
    bmp.close();
  }
}

/** Model input (H, W, C) back to display RGBA (the inverse of toInput, clipped to 0..255; BGR put back to RGB). */
export function toDisplay(x: Float32Array, p: Preprocessing, offset: number): Uint8Array {
  return inputToRgba(x, p, offset);
}

export function makeSprite(set: InputSet, p: Preprocessing, maxCell = 48): SpriteData {
  const cols = Math.min(20, Math.max(1, Math.ceil(Math.sqrt(set.n))));
  const rows = Math.ceil(set.n / cols);
  const step = Math.max(1, Math.ceil(Math.max(p.height, p.width) / maxCell));
  const cw = Math.ceil(p.width / step);
  const ch = Math.ceil(p.height / step);
  const W = cols * cw;
  const H = rows * ch;
  const rgba = new Uint8Array(W * H * 4);
  const per = p.height * p.width * p.channels;
  for (let i = 0; i < set.n; i++) {
    const img = toDisplay(set.data, p, i * per);
    const ox = (i % cols) * cw;
    const oy = Math.floor(i / cols) * ch;
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = 4 * (y * step * p.width + x * step);
        const d = 4 * ((oy + y) * W + ox + x);
        rgba.set(img.subarray(s, s + 4), d);
      }
    }
  }
  return { rgba, width: W, height: H, cols, cellWidth: cw, cellHeight: ch };
}

/** How far into a JPEG its frame header (and so its size) is looked for before decoding. */
const JPEG_HEADER_SCAN = 8 * 2 ** 20;

export async function loadImages(entries: FileEntry[], p: Preprocessing, modelClassNames: string[] | null, options: ImageOptions = {}, outputs?: number): Promise<LoadedImages> {
  const { maxPixels = 50e6, maxImages = 5000 } = options;
  const skipped: { file: string; reason: string }[] = [];
  let classNames = modelClassNames;
  let csv: Map<string, string> | null = null;
  const candidates: FileEntry[] = [];
  const texts: FileEntry[] = [];
  for (const e of entries) {
    const name = base(e.path);
    if (name.startsWith('.')) continue;
    if (/\.csv$/i.test(name)) csv = parseCsv(await e.file.text());
    else if (/\.txt$/i.test(name)) texts.push(e);
    else candidates.push(e);
  }
  // Class names from a text file, one per line: classes.txt (or class_names.txt, labels.txt) when
  // there are several .txt files, else the only one.
  let classFile: { name: string; count: number; ignored: string[] } | null = null;
  const preferred = texts.find((e) => /^(classes|class_names|classnames|labels)\.txt$/i.test(base(e.path))) ?? (texts.length === 1 ? texts[0] : null);
  if (preferred) {
    const lines = (await preferred.file.text()).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (lines.length) {
      classNames = lines;
      classFile = { name: base(preferred.path), count: lines.length, ignored: texts.filter((e) => e !== preferred).map((e) => base(e.path)) };
    }
  }
  const accepted: FileEntry[] = [];
  for (const e of candidates) {
    let h = readImageHeader(new Uint8Array(await e.file.slice(0, 65536).arrayBuffer()));
    if (h?.format === 'jpeg' && h.width === 0 && e.file.size > 65536) {
      // The frame header lies past large metadata (EXIF thumbnails, ICC profiles): read further.
      h = readImageHeader(new Uint8Array(await e.file.slice(0, Math.min(e.file.size, JPEG_HEADER_SCAN)).arrayBuffer()));
    }
    if (h?.format === 'jpeg' && h.width === 0) {
      skipped.push({ file: e.path, reason: `a JPEG whose size is not in its first ${JPEG_HEADER_SCAN / 2 ** 20} MiB (no frame header found), so it is not decoded` });
      continue;
    }
    if (!h) {
      skipped.push({ file: e.path, reason: IMAGE_EXT.test(e.path) ? 'not an image: its content is not PNG, JPEG, GIF, WebP or BMP' : 'not an image file' });
      continue;
    }
    try {
      checkImageSize(h.width || 1, h.height || 1, e.path);
      if (h.width * h.height > maxPixels) throw new Error(`${e.path}: ${h.width}x${h.height} is over the limit of ${maxPixels / 1e6} megapixels`);
    } catch (err) {
      skipped.push({ file: e.path, reason: (err as Error).message.replace(`${e.path}: `, '') });
      continue;
    }
    accepted.push(e);
  }
  if (accepted.length > maxImages) {
    for (const e of accepted.slice(maxImages)) skipped.push({ file: e.path, reason: `over the limit of ${maxImages} images` });
    accepted.length = maxImages;
  }
  if (accepted.length === 0) {
    const why = skipped.length ? ` Skipped: ${skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ')}${skipped.length > 3 ? ` (and ${skipped.length - 3} more)` : ''}.` : '';
    fail(`images: no usable images among the ${entries.length} file${entries.length === 1 ? '' : 's'} given.${why}`);
  }
  accepted.sort((a, b) => a.path.localeCompare(b.path));
  const per = p.height * p.width * p.channels;
  const data = new Float32Array(accepted.length * per);
  const names: string[] = [];
  let k = 0;
  for (const e of accepted) {
    try {
      const px = await decodeFull(e.file);
      checkImageSize(px.width, px.height, e.path);
      toModelInput(px, p, data, k * per);
    } catch (err) {
      skipped.push({ file: e.path, reason: `could not be decoded (${(err as Error).message || 'corrupt image'})` });
      continue;
    }
    names.push(e.path);
    k++;
  }
  if (k === 0) fail(`images: none of the ${accepted.length} images could be decoded (${skipped[0]?.file}: ${skipped[0]?.reason}).`);
  // Labels against the model's classes, with a note on what matched (folderLabels.ts).
  const labels = labelsAgainstModel(names, csv, classNames, outputs, classFile?.name ?? null);
  const notes: ImageSetInfo['notes'] = [];
  if (labels.note) notes.push(labels.note);
  if (classFile) notes.push({ level: 'info', title: 'Images', message: `class names from ${classFile.name} (${classFile.count})${classFile.ignored.length ? `; ignored ${classFile.ignored.join(', ')} (name the class list classes.txt to pick it)` : ''}` });
  if (!labels.labels && !labels.note) notes.push({ level: labels.given ? 'warning' : 'info', title: 'No labels', message: `no labels: ${labels.why}; class-based views (accuracy, class matrix, misclassified filter) stay empty` });
  const set: InputSet = { data: data.subarray(0, k * per), n: k, height: p.height, width: p.width, channels: p.channels, names, labels: labels.labels ?? undefined };
  const outNames = labels.classNames ?? classNames;
  const hash = await imageSetHash(set.data, p, names, labels.labels ?? null, outNames);
  return {
    set,
    info: { count: k, names, labels: labels.labels ?? null, classNames: outNames, hash, preprocessing: p, skipped, notes },
    sprite: makeSprite(set, p),
  };
}

/** Labels from a CSV, else from the parent folder names; classes matched by name or index. Says why when there are none. */
export function labelsFor(names: string[], csv: Map<string, string> | null, classNames: string[] | null): { labels: number[] | null; classNames: string[] | null; why: string; given: boolean } {
  const raw = names.map((n) => {
    if (csv) return csv.get(base(n)) ?? null;
    const parts = n.split('/');
    return parts.length >= 2 ? parts[parts.length - 2] : null;
  });
  const missing = raw.filter((r) => r === null).length;
  // Labels were given (a CSV, or at least one image in a class folder), whether or not they can be used.
  const given = csv !== null || missing < names.length;
  if (missing) {
    const first = names[raw.indexOf(null)];
    return { labels: null, classNames, given, why: csv ? `the CSV has no row for ${missing} of ${names.length} images (first: ${base(first)})` : `${missing === names.length ? 'the images are not in class sub-folders and no labels CSV was given' : `${missing} of ${names.length} images are not in a class sub-folder (first: ${first})`}` };
  }
  const vals = raw as string[];
  const lower = classNames?.map((c) => c.toLowerCase());
  if (lower && vals.every((v) => lower.includes(v.toLowerCase()))) return { labels: vals.map((v) => lower.indexOf(v.toLowerCase())), classNames, given, why: '' };
  if (vals.every((v) => /^\d+$/.test(v))) {
    const bad = classNames ? vals.find((v) => Number(v) >= classNames.length) : undefined;
    if (bad !== undefined) return { labels: null, classNames, given, why: `label ${bad} is not a class index of the ${classNames!.length} classes` };
    return { labels: vals.map(Number), classNames, given, why: '' };
  }
  // Folder names that are not the model's classes cannot be compared with its predictions.
  if (classNames) {
    const unknown = [...new Set(vals.filter((v) => !lower!.includes(v.toLowerCase())))];
    return { labels: null, classNames, given, why: `${csv ? 'CSV labels' : 'folder names'} ${unknown.slice(0, 3).map((u) => `"${u}"`).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''} are not among the model's classes (${classNames.slice(0, 4).join(', ')}${classNames.length > 4 ? ', ...' : ''})` };
  }
  const uniq = [...new Set(vals)].sort();
  if (uniq.length < 2) return { labels: null, classNames, given, why: `every image has the same label "${uniq[0]}"` };
  return { labels: vals.map((v) => uniq.indexOf(v)), classNames: uniq, given, why: '' };
}

/**
 * The image set's identity in the analysis cache: the decoded inputs, the preprocessing, and
 * the names, labels and class names (a new labels CSV or class list must not reuse old results).
 */
export async function imageSetHash(data: Float32Array, p: Preprocessing, names: string[], labels: number[] | null, classNames: string[] | null): Promise<string> {
  return sha256Hex([new Uint8Array(data.buffer, data.byteOffset, data.byteLength), new TextEncoder().encode(JSON.stringify({ p, names, labels, classNames }))]);
}
