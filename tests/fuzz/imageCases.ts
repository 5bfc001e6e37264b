/**
 * Image cases, through decodeImage and resizeImage: a PNG and a JPEG made from the demo image set's
 * first picture (cut, flipped, declaring huge sizes, animated, CMYK, other formats, wrong names),
 * then a gray PNG, a progressive JPEG and the odd images in tests/fixtures/hostile/ (CMYK and
 * progressive JPEG, APNG, GIF, 16-bit and palette PNG, BMP, TIFF, 1x1: written once with Pillow,
 * python3-pil), from the former tests/hostileInputs.test.ts.
 */
import { ANIMATED_GIF, apng, cmykJpeg, concat, enc, flip, flipBits, jpegDeclaring, jpegOf, pngDeclaring, pngOf, positions, truncate } from './mutations';
import type { FuzzCase, FuzzSources } from './types';

/** The files of tests/fixtures/hostile/. */
export const HOSTILE_FIXTURES = ['animated.gif', 'animated.png', 'cmyk.jpg', 'gray.jpg', 'gray16.png', 'image.bmp', 'image.tiff', 'one.png', 'palette.png', 'progressive.jpg'];

export function imageCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const px = src.imagesetBin.subarray(0, 28 * 28);
  const png = pngOf(28, 28, (i) => px[i]);
  const jpg = jpegOf(28, 28, (i) => px[i]);
  const add = (id: string, name: string, bytes: Uint8Array, expect: FuzzCase['expect']) =>
    out.push({ id: `image/${id}`, target: 'image', entry: name, files: new Map([[name, bytes]]), names: name, expect });
  for (const [kind, b, ext] of [['png', png, 'png'], ['jpeg', jpg, 'jpg']] as const) {
    add(`${kind}-valid`, `shirt.${ext}`, b, 'ok');
    for (const f of [0, 1, 3, 8, 16, 30, 0.25, 0.5, 0.75, 0.9, -1]) {
      const n = f === -1 ? b.length - 1 : f < 1 ? Math.floor(b.length * f) : f;
      add(`${kind}-truncated-${n}`, `shirt-${n}.${ext}`, truncate(b, n), n === 0 ? 'error' : 'any');
    }
    for (let k = 0; k < 12; k++) add(`${kind}-flip-${k}`, `shirt-flip${k}.${ext}`, flip(b, [Math.floor(r() * b.length)]), 'any');
    for (let k = 0; k < 4; k++) add(`${kind}-flip20-${k}`, `shirt-flip20-${k}.${ext}`, flip(b, positions(20, b.length, r)), 'any');
    const declare = kind === 'png' ? pngDeclaring : jpegDeclaring;
    for (const [w, h] of [[10000, 10000], [65535, 65535], [0, 28], [28, 0], [60000, 1000]]) add(`${kind}-declares-${w}x${h}`, `huge-${w}x${h}.${ext}`, declare(b, w, h), 'error');
    if (kind === 'png') add('png-declares-2^31', 'huge-2^31.png', declare(b, 2 ** 31, 2 ** 31), 'error');
    add(`${kind}-1x1`, `dot.${ext}`, kind === 'png' ? pngOf(1, 1, () => 200) : jpegOf(1, 1, () => 200), 'ok');
  }
  add('png-10000x10000-declared-empty-idat', 'big.png', pngDeclaring(png, 10000, 10000), 'error');
  add('apng', 'animated.png', apng(png), 'error');
  add('gif-animated', 'animated.gif', ANIMATED_GIF, 'error');
  add('gif-named-png', 'animated.png', ANIMATED_GIF, 'error');
  add('cmyk-jpeg', 'cmyk.jpg', cmykJpeg(jpg), 'error');
  add('webp', 'photo.webp', concat(enc('RIFF'), new Uint8Array(4), enc('WEBPVP8 '), new Uint8Array(20)), 'error');
  add('bmp', 'photo.bmp', concat(enc('BM'), new Uint8Array(60)), 'error');
  add('zero-bytes', 'empty.png', new Uint8Array(0), 'error');
  add('text-named-png', 'notes.png', enc('hello, not an image\n'), 'error');
  add('json-named-jpg', 'model.jpg', src.modelJson, 'error');
  add('png-named-jpg', 'really-a-png.jpg', png, 'ok');
  add('jpeg-named-png', 'really-a-jpeg.png', jpg, 'ok');
  add('png-signature-only', 'sig.png', png.subarray(0, 8), 'error');
  add('jpeg-soi-only', 'soi.jpg', jpg.subarray(0, 3), 'error');
  return out;
}

/** A gray PNG, a progressive JPEG and the fixtures; `r` draws the flipped bits. */
export function moreImageCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, name: string, bytes: Uint8Array, expect: FuzzCase['expect'] = 'error') =>
    out.push({ id: `image/${id}`, target: 'image', entry: name, files: new Map([[name, bytes]]), names: name, expect });
  const fixture = (name: string) => src.fixtures.get(name)!;
  const gray = pngOf(28, 28, () => 128, 128);
  const jpg = fixture('progressive.jpg');
  add('zero-bytes-named-jpg', 'empty.jpg', new Uint8Array());
  add('text-named-png-2', 'note.png', enc('hello, I am not an image'));
  add('json-named-png', 'model.png', src.modelJson);
  // Declared sizes with the IHDR CRC left stale.
  const small = pngOf(4, 4, () => 128, 128);
  for (const [w, h, name] of [[10_000, 10_000, 'huge'], [100_000, 1000, 'wide'], [0, 0, 'zero'], [2 ** 31, 2 ** 31, 'overflow']] as const) add(`png-stale-crc-declares-${w}x${h}`, `${name}.png`, pngDeclaring(small, w, h, false));
  for (let i = 1; i <= 12; i++) add(`gray-png-truncated-${i * 8}`, `cut${i}.png`, truncate(gray, i * 8));
  for (let i = 1; i <= 8; i++) add(`progressive-jpeg-truncated-${Math.round((i / 9) * 100)}pct`, `cut${i}.jpg`, truncate(jpg, Math.floor((jpg.length * i) / 9)), 'any');
  for (let i = 0; i < 15; i++) add(`gray-png-flipbits${1 + (i % 4)}-${i}`, `flip${i}.png`, flipBits(gray, 1 + (i % 4), r), 'any');
  for (let i = 0; i < 10; i++) add(`progressive-jpeg-flipbits${1 + (i % 4)}-${i}`, `flip${i}.jpg`, flipBits(jpg, 1 + (i % 4), r), 'any');
  // Valid but unusual: these decode (an animated PNG gives its first frame).
  for (const f of ['cmyk.jpg', 'progressive.jpg', 'gray.jpg', 'animated.png', 'gray16.png', 'palette.png', 'one.png']) add(`fixture-${f}`, f, fixture(f), 'any');
  // Formats the decoder does not read: a clear refusal.
  for (const f of ['animated.gif', 'image.bmp', 'image.tiff']) add(`fixture-${f}`, f, fixture(f));
  add('fixture-gif-named-png', 'renamed.png', fixture('animated.gif'));
  return out;
}
