/** Canvas heatmaps of the retina view: diverging (signed maps) or gray (stimulus frames). */
import { divergingRgb } from '../draw/colormap';

/** Draws h x w values (row-major, values[(y * w + x) * stride + offset]) into the canvas, one cell per pixel (CSS scales it up). */
export function drawMap(canvas: HTMLCanvasElement, values: ArrayLike<number>, w: number, h: number, { maxAbs, gray = false, stride = 1, offset = 0 }: { maxAbs: number; gray?: boolean; stride?: number; offset?: number }): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w, h);
  const rgb = divergingRgb(maxAbs);
  for (let i = 0; i < w * h; i++) {
    const v = values[i * stride + offset];
    let c: [number, number, number];
    if (gray) {
      const g = Math.max(0, Math.min(255, Math.round(128 + (v / (maxAbs || 1)) * 127)));
      c = [g, g, g];
    } else c = rgb(v);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

export function maxAbsOf(values: ArrayLike<number>, stride = 1, offset = 0): number {
  let m = 0;
  for (let i = offset; i < values.length; i += stride) m = Math.max(m, Math.abs(values[i]));
  return m;
}
