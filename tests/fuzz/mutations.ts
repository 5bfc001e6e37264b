/**
 * The one set of mutation helpers of the fuzz corpus (tests/fuzz/*Cases.ts): cutting, flipping and
 * joining bytes, deep nesting, and small images made or edited at the byte level (PNG chunks with
 * their CRC, JPEG frame headers, APNG, CMYK JPEG, an animated GIF). Random choices come from the
 * caller's seeded generator, so every case is the same on every run.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** The first n bytes (n clamped to 0..length). */
export const truncate = (b: Uint8Array, n: number) => b.slice(0, Math.max(0, Math.min(b.length, n)));

/** A copy with the byte at each position (modulo the length) XORed with `mask` (0xff: inverted). */
export function flip(b: Uint8Array, positions: number[], mask = 0xff): Uint8Array {
  const out = b.slice();
  for (const p of positions) out[p % out.length] ^= mask;
  return out;
}

/** A copy with n single bits flipped, each at a random byte and bit drawn from `r`. */
export function flipBits(b: Uint8Array, n: number, r: () => number): Uint8Array {
  const out = b.slice();
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * out.length);
    out[at] ^= 1 << Math.floor(r() * 8);
  }
  return out;
}

/** n positions in 0..length-1 drawn from `r`. */
export const positions = (n: number, length: number, r: () => number) => Array.from({ length: n }, () => Math.floor(r() * length));

export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** `depth` nested arrays around 0: [[[...0...]]]. */
export const nested = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth);

// ---- PNG ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(enc(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A gray RGBA PNG, pixel i of value gray(i), alpha `alpha`. */
export function pngOf(width: number, height: number, gray: (i: number) => number, alpha = 255): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([gray(i), gray(i), gray(i), alpha], i * 4);
  return new Uint8Array(PNG.sync.write(png));
}

/** The PNG with its IHDR declaring width x height, the pixel data left as it was; the IHDR CRC fixed unless fixCrc is false. */
export function pngDeclaring(png: Uint8Array, width: number, height: number, fixCrc = true): Uint8Array {
  const out = png.slice();
  const v = new DataView(out.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  if (fixCrc) v.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** An APNG: the PNG with an acTL chunk (2 frames) after IHDR. */
export function apng(png: Uint8Array): Uint8Array {
  const actl = new Uint8Array(8);
  new DataView(actl.buffer).setUint32(0, 2);
  return concat(png.subarray(0, 33), pngChunk('acTL', actl), png.subarray(33));
}

// ---- JPEG ----
export function jpegOf(width: number, height: number, gray: (i: number) => number): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([gray(i), 255 - gray(i), gray(i), 255], i * 4);
  return new Uint8Array(jpeg.encode({ data, width, height }, 90).data);
}

/** Offset of the SOF0 segment's length field in a baseline JPEG. */
function sofAt(b: Uint8Array): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xc0) return i + 2;
  throw new Error('no SOF0');
}
export function jpegDeclaring(b: Uint8Array, width: number, height: number): Uint8Array {
  const out = b.slice();
  const o = sofAt(out);
  out.set([height >> 8, height & 255, width >> 8, width & 255], o + 3);
  return out;
}
/** A JPEG whose frame declares 4 components (CMYK), with Adobe's APP14 marker, as Photoshop writes. */
export function cmykJpeg(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[sofAt(out) + 7] = 4;
  const app14 = Uint8Array.from([0xff, 0xee, 0x00, 0x0e, ...enc('Adobe'), 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x02]);
  return concat(out.subarray(0, 2), app14, out.subarray(2));
}

// ---- GIF ----
/** A 2-frame GIF89a (NETSCAPE loop extension), 1x1 pixels. */
export const ANIMATED_GIF = Uint8Array.from([
  ...enc('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
  0x21, 0xff, 0x0b, ...enc('NETSCAPE2.0'), 3, 1, 0, 0, 0,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b,
]);
