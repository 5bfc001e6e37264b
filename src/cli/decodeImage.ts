/**
 * PNG and JPEG decoding in Node (pngjs sync API, jpeg-js), chosen by the magic bytes, never the
 * extension. The declared size is read from the header (PNG IHDR, JPEG SOFn) and checked before
 * decoding, so a 10,000 x 10,000 header is refused without allocating anything. Animated PNGs
 * (APNG), CMYK JPEGs and other formats (GIF, WebP, ...) are refused by name. Every failure is
 * one ImageError line: `decodeImage: <file>: <what>`.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CodecError } from '../core/errors';
import { MAX_PIXELS, checkImageSize, type Pixels } from '../core/image/resize';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** jpeg-js memory cap: a 50 MP RGBA output (200 MB) plus its component planes fits. */
const JPEG_MAX_MEMORY_MB = 1024;

export type ImageFormat = 'png' | 'jpeg';

/** The format by magic bytes: PNG's 8-byte signature, JPEG's SOI marker followed by a marker. */
export function sniffImage(b: Uint8Array): ImageFormat | null {
  if (b.length >= 8 && PNG_MAGIC.every((v, i) => b[i] === v)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return null;
}

/** Width and height from the PNG IHDR chunk (bytes 8..32), or null when it is not there. */
export function pngSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 24) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(8) !== 13 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return null;
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/**
 * Width and height from the first SOFn segment of a JPEG, or null when the segments end (or the
 * scan starts) before one. Walks the segments by their lengths, so thumbnails inside APPn are
 * skipped; fill bytes (0xFF runs) and stand-alone markers (TEM, RSTn) carry no length.
 */
export function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  const f = jpegFrame(b);
  return f && { width: f.width, height: f.height };
}

/** jpegSize plus the number of colour components (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK). */
export function jpegFrame(b: Uint8Array): { width: number; height: number; components: number } | null {
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return null;
    let marker = b[i + 1];
    while (marker === 0xff && i + 2 < b.length) marker = b[++i + 1]; // fill bytes
    i += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or scan before any frame header
    if (i + 2 > b.length) return null;
    const len = (b[i] << 8) | b[i + 1];
    if (len < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 8 > b.length) return null;
      return { height: (b[i + 3] << 8) | b[i + 4], width: (b[i + 5] << 8) | b[i + 6], components: b[i + 7] };
    }
    i += len;
  }
  return null;
}

/**
 * Whether a PNG is animated (APNG): an acTL chunk before the first IDAT. Walks the chunks by their
 * lengths; a truncated chunk list ends the walk (the decoder then reports the damage).
 */
export function isAnimatedPng(b: Uint8Array): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 8; i + 8 <= b.length; ) {
    const len = v.getUint32(i);
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    i += 12 + len;
  }
  return false;
}

/** Formats other than PNG and JPEG that people drop, by their magic bytes, for a clearer refusal. */
function otherFormat(b: Uint8Array): string | null {
  const ascii = (n: number, off = 0) => String.fromCharCode(...b.subarray(off, off + n));
  if (ascii(6) === 'GIF87a' || ascii(6) === 'GIF89a') return 'a GIF image';
  if (ascii(4) === 'RIFF' && ascii(4, 8) === 'WEBP') return 'a WebP image';
  if (ascii(2) === 'BM') return 'a BMP image';
  if (ascii(4) === 'II*\0' || ascii(4) === 'MM\0*') return 'a TIFF image';
  if (ascii(4, 4) === 'ftyp') return 'an HEIC/AVIF image';
  return null;
}

function fail(file: string, msg: string): never {
  throw new CodecError('ImageError', `decodeImage: ${file}: ${msg}`);
}

const oneLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/**
 * Decodes PNG or JPEG bytes to RGBA pixels (channels 4, 8 bits; 16-bit PNGs are scaled to 8).
 * `file` names the image in errors and becomes `name` of the result.
 */
export function decodeImage(bytes: Uint8Array, file: string): Pixels & { channels: 4 } {
  if (bytes.length === 0) fail(file, 'the file is empty.');
  const format = sniffImage(bytes);
  if (format === 'png') {
    const size = pngSize(bytes);
    if (!size) fail(file, 'truncated or corrupt PNG (no IHDR header).');
    checkImageSize(size.width, size.height, file, 'decodeImage');
    if (isAnimatedPng(bytes)) fail(file, 'an animated PNG (APNG); only still images are read (export one frame as PNG).');
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      fail(file, `truncated or corrupt PNG (${oneLine(e)}).`);
    }
    if (png.data.length !== png.width * png.height * 4) fail(file, `corrupt PNG (${png.data.length} bytes of pixels for ${png.width}x${png.height}).`);
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4, name: file };
  }
  if (format === 'jpeg') {
    const size = jpegFrame(bytes);
    if (!size) fail(file, 'truncated or corrupt JPEG (no frame header before the image data).');
    checkImageSize(size.width, size.height, file, 'decodeImage');
    if (size.components === 4) fail(file, 'a CMYK JPEG (4 colour components); only greyscale and RGB JPEGs are read (save it as RGB).');
    if (size.components !== 1 && size.components !== 3) fail(file, `corrupt JPEG (${size.components} colour components; expected 1 or 3).`);
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB });
    } catch (e) {
      fail(file, `truncated or corrupt JPEG (${oneLine(e)}).`);
    }
    if (img.data.length !== img.width * img.height * 4) fail(file, `corrupt JPEG (${img.data.length} bytes of pixels for ${img.width}x${img.height}).`);
    return { data: img.data, width: img.width, height: img.height, channels: 4, name: file };
  }
  const other = otherFormat(bytes);
  fail(file, other ? `${other}; only PNG and JPEG are read.` : 'not a PNG or JPEG file.');
}
