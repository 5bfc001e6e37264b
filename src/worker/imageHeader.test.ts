import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from './imageHeader';

describe('readImageHeader', () => {
  it('readImageHeader reads PNG, GIF, BMP, WebP (VP8L) and JPEG sizes', () => {
    const png = PNG.sync.write(new PNG({ width: 7, height: 5 }));
    expect(readImageHeader(new Uint8Array(png))).toEqual({ format: 'png', width: 7, height: 5 });
    const gif = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x10, 0x27, 0x10, 0x27]);
    expect(readImageHeader(gif)).toEqual({ format: 'gif', width: 10000, height: 10000 });
    const bmp = new Uint8Array(30);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setUint32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true);
    expect(readImageHeader(bmp)).toEqual({ format: 'bmp', width: 640, height: 480 });
    const webp = new Uint8Array(30);
    webp.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
    webp.set([...'WEBPVP8L'].map((c) => c.charCodeAt(0)), 8);
    new DataView(webp.buffer).setUint32(21, (99 & 0x3fff) | ((49 & 0x3fff) << 14), true);
    expect(readImageHeader(webp)).toEqual({ format: 'webp', width: 100, height: 50 });
    // JPEG: SOI, an APP0 segment, then SOF0 with height 300, width 200.
    const jpg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x00, 0xc8, 0x03, 0, 0, 0, 0]);
    expect(readImageHeader(jpg)).toEqual({ format: 'jpeg', width: 200, height: 300 });
  });

  it('readImageHeader returns null for text and empty input', () => {
    expect(readImageHeader(new TextEncoder().encode('this is text, not a PNG'))).toBeNull();
    expect(readImageHeader(new Uint8Array(0))).toBeNull();
  });
});
