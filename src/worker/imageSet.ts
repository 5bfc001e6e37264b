/**
 * Image sets in the engine's file format (src/core/data/imageset: a JSON header beside one uint8
 * N x H x W x C binary): fetched from a URL (the demo's Fashion-MNIST test set) or dropped as two
 * files, turned into the model's input by the preprocessing.
 */
import { checkImageSetData, parseImageSetHeader, type ImageSet } from '../core/data/imageset';
import type { InputSet } from '../core/pipeline/imageBatch';
import type { Preprocessing, SpriteData } from './api';
import { toModelInput } from '../core/image/preprocess';

function fail(msg: string): never {
  throw Object.assign(new Error(msg), { name: 'DataError' });
}

export async function fetchImageSet(url: string): Promise<ImageSet> {
  const headerUrl = new URL(url, self.location.href);
  const res = await fetch(headerUrl).catch((e: Error) => fail(`imageset: cannot fetch ${headerUrl.pathname} (${e.message}).`));
  if (!res.ok) fail(`imageset: ${headerUrl.pathname} answered ${res.status}.`);
  const header = parseImageSetHeader(await res.text(), headerUrl.pathname.split('/').pop());
  const bin = await fetch(new URL(header.data, headerUrl));
  if (!bin.ok) fail(`imageset: ${header.data} answered ${bin.status}.`);
  return checkImageSetData(header, new Uint8Array(await bin.arrayBuffer()));
}

export async function imageSetFromFiles(json: File, files: File[]): Promise<ImageSet> {
  const header = parseImageSetHeader(await json.text(), json.name);
  const bin = files.find((f) => f.name === header.data.split('/').pop());
  if (!bin) fail(`imageset: ${json.name} names ${header.data}, which is not among the dropped files.`);
  return checkImageSetData(header, new Uint8Array(await bin.arrayBuffer()), bin.name);
}

/** Indices into the set of the given image names (by the set's names, else position or a trailing number). */
export function indicesOf(set: ImageSet, names: string[]): number[] {
  const h = set.header;
  if (h.names) {
    const at = new Map(h.names.map((n, i) => [n, i]));
    return names.map((n) => at.get(n) ?? fail(`imageset: image ${n} is not in the set.`));
  }
  if (names.length === h.count) return names.map((_, i) => i);
  return names.map((n) => {
    const m = /(\d+)\D*$/.exec(n);
    const i = m ? Number(m[1]) : -1;
    if (!(i >= 0 && i < h.count)) fail(`imageset: cannot find image ${n} in a set of ${h.count} without names.`);
    return i;
  });
}

/** Raw pixels of the picked images, in order (uint8, K x H x W x C). */
export function pickPixels(set: ImageSet, idx: number[]): Uint8Array {
  const { height, width, channels } = set.header;
  const per = height * width * channels;
  const out = new Uint8Array(idx.length * per);
  idx.forEach((i, k) => out.set(set.pixels.subarray(i * per, (i + 1) * per), k * per));
  return out;
}

/** uint8 pixels (K x H x W x C) as the model's input: the engine's resize and preprocessing. */
export function pixelsToInputs(pixels: Uint8Array, n: number, h: number, w: number, c: number, p: Preprocessing): Float32Array {
  const per = h * w * c;
  const out = new Float32Array(n * p.height * p.width * p.channels);
  for (let k = 0; k < n; k++) {
    toModelInput({ data: pixels.subarray(k * per, (k + 1) * per), width: w, height: h, channels: c as 1 | 3 }, p, out, k * p.height * p.width * p.channels);
  }
  return out;
}

export function imageSetToInputSet(set: ImageSet, p: Preprocessing, maxImages = 5000): { input: InputSet; classNames: string[] | null } {
  const h = set.header;
  const n = Math.min(h.count, maxImages);
  const data = pixelsToInputs(set.pixels.subarray(0, n * h.height * h.width * h.channels), n, h.height, h.width, h.channels, p);
  return {
    input: { data, n, height: p.height, width: p.width, channels: p.channels, names: (h.names ?? Array.from({ length: h.count }, (_, i) => `image-${i}`)).slice(0, n), labels: h.labels?.slice(0, n) },
    classNames: h.classNames ?? null,
  };
}

/** A sprite of raw uint8 images (K x H x W x C) at their own size, up to 50 columns. */
export function spriteFromPixels(pixels: Uint8Array, n: number, h: number, w: number, c: number): SpriteData {
  const cols = Math.min(50, Math.max(1, Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const W = cols * w;
  const H = rows * h;
  const rgba = new Uint8Array(W * H * 4);
  const per = h * w * c;
  for (let k = 0; k < n; k++) {
    const ox = (k % cols) * w;
    const oy = Math.floor(k / cols) * h;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = k * per + (y * w + x) * c;
        const d = 4 * ((oy + y) * W + ox + x);
        for (let ch = 0; ch < 3; ch++) rgba[d + ch] = pixels[s + (c === 1 ? 0 : ch)];
        rgba[d + 3] = 255;
      }
    }
  }
  return { rgba, width: W, height: H, cols, cellWidth: w, cellHeight: h };
}
