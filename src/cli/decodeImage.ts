/**
 * PNG and JPEG decoding in Node (pngjs, jpeg-js), by magic bytes rather than the extension. The
 * declared size is read from the header and checked before decoding (no 10,000 x 10,000 decode).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CodecError } from '../core/errors';
import { MAX_PIXELS, checkImageSize, type Pixels } from '../core/image/resize';

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Width and height from a JPEG's first SOF marker, or null. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    }
    i += 2 + len;
  }
  return null;
}

export function decodeImage(bytes: Uint8Array, file: string): Pixels {
  if (bytes.length === 0) throw new CodecError('ImageError', `decodeImage: ${file}: the file is empty.`);
  if (isPng(bytes)) {
    if (bytes.length < 24) throw new CodecError('ImageError', `decodeImage: ${file}: truncated PNG header.`);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    checkImageSize(v.getUint32(16), v.getUint32(20), file);
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
    } catch (e) {
      throw new CodecError('ImageError', `decodeImage: ${file}: corrupt PNG (${(e as Error).message}).`);
    }
  }
  if (isJpeg(bytes)) {
    const size = jpegSize(bytes);
    if (!size) throw new CodecError('ImageError', `decodeImage: ${file}: corrupt JPEG (no frame header).`);
    checkImageSize(size.width, size.height, file);
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      return { data: img.data, width: img.width, height: img.height, channels: 4 };
    } catch (e) {
      throw new CodecError('ImageError', `decodeImage: ${file}: corrupt JPEG (${(e as Error).message}).`);
    }
  }
  throw new CodecError('ImageError', `decodeImage: ${file}: not a PNG or JPEG file.`);
}
