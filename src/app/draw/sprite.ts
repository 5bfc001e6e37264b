/** An object URL for a sprite of thumbnails (PNG bytes from a bundle, or raw RGBA from the worker). */
import type { SpriteData } from '../../worker/api';

const urls = new WeakMap<SpriteData, Promise<string>>();

export function spriteUrl(s: SpriteData): Promise<string> {
  let p = urls.get(s);
  if (!p) {
    p = (async () => {
      if (s.png) return URL.createObjectURL(new Blob([s.png as BlobPart], { type: 'image/png' }));
      const canvas = document.createElement('canvas');
      canvas.width = s.width;
      canvas.height = s.height;
      const ctx = canvas.getContext('2d')!;
      ctx.putImageData(new ImageData(new Uint8ClampedArray(s.rgba!), s.width, s.height), 0, 0);
      const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
      return URL.createObjectURL(blob);
    })();
    urls.set(s, p);
  }
  return p;
}
