/**
 * An image set from dropped files, decoded and resized in the worker: formats and sizes checked
 * from the headers first (non-images and huge images are skipped with a reason), labels from
 * sub-folder names or a CSV (`file,label`), class names from a text file (one per line) or the
 * model card. Pixels become the model's input by the preprocessing:
 * x = (pixel/255 * scale + offset - mean[c]) / std[c].
 */
import { toModelInput } from '../core/image/preprocess';
import { checkImageSize, type Pixels } from '../core/image/resize';
import type { InputSet } from '../core/pipeline/imageBatch';
import type { FileEntry, ImageOptions, ImageSetInfo, Preprocessing, SpriteData } from './api';
import { readImageHeader } from './imageHeader';
import { sha256Hex } from './model';

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

/** Model input (H, W, C) back to display RGBA (the inverse of toInput, clipped to 0..255). */
export function toDisplay(x: Float32Array, p: Preprocessing, offset: number): Uint8Array {
  const n = p.height * p.width;
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const cc = p.channels === 1 ? 0 : c;
      const v = x[offset + p.channels * i + cc] * p.std[cc] + p.mean[cc];
      out[4 * i + c] = Math.max(0, Math.min(255, Math.round(((v - p.offset) / p.scale) * 255)));
    }
    out[4 * i + 3] = 255;
  }
  return out;
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

export async function loadImages(entries: FileEntry[], p: Preprocessing, modelClassNames: string[] | null, options: ImageOptions = {}): Promise<LoadedImages> {
  const { maxPixels = 50e6, maxImages = 5000 } = options;
  const skipped: { file: string; reason: string }[] = [];
  let classNames = modelClassNames;
  let csv: Map<string, string> | null = null;
  const candidates: FileEntry[] = [];
  for (const e of entries) {
    const name = base(e.path);
    if (name.startsWith('.')) continue;
    if (/\.csv$/i.test(name)) csv = parseCsv(await e.file.text());
    else if (/\.txt$/i.test(name)) {
      const lines = (await e.file.text()).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
      if (lines.length) classNames = lines;
    } else candidates.push(e);
  }
  const accepted: FileEntry[] = [];
  for (const e of candidates) {
    const head = new Uint8Array(await e.file.slice(0, 65536).arrayBuffer());
    const h = readImageHeader(head);
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
  const labels = labelsFor(names, csv, classNames);
  const set: InputSet = { data: data.subarray(0, k * per), n: k, height: p.height, width: p.width, channels: p.channels, names, labels: labels?.labels };
  const hash = await sha256Hex([new Uint8Array(set.data.buffer, set.data.byteOffset, set.data.byteLength), new TextEncoder().encode(JSON.stringify(p))]);
  return {
    set,
    info: { count: k, names, labels: labels?.labels ?? null, classNames: labels?.classNames ?? classNames, hash, preprocessing: p, skipped },
    sprite: makeSprite(set, p),
  };
}

/** Labels from a CSV, else from the parent folder names; classes matched by name or index. */
function labelsFor(names: string[], csv: Map<string, string> | null, classNames: string[] | null): { labels: number[]; classNames: string[] | null } | null {
  const raw = names.map((n) => {
    if (csv) return csv.get(base(n)) ?? null;
    const parts = n.split('/');
    return parts.length >= 2 ? parts[parts.length - 2] : null;
  });
  if (raw.some((r) => r === null)) return null;
  const vals = raw as string[];
  const lower = classNames?.map((c) => c.toLowerCase());
  if (lower && vals.every((v) => lower.includes(v.toLowerCase()))) return { labels: vals.map((v) => lower.indexOf(v.toLowerCase())), classNames };
  if (vals.every((v) => /^\d+$/.test(v))) return { labels: vals.map(Number), classNames };
  // Folder names that are not the model's classes cannot be compared with its predictions.
  if (classNames) return null;
  const uniq = [...new Set(vals)].sort();
  if (uniq.length < 2) return null;
  return { labels: vals.map((v) => uniq.indexOf(v)), classNames: uniq };
}
