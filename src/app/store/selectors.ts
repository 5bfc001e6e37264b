/** Derived lists the panels share (filtering only; no numerics). */
import type { BundleSummary } from '../../worker/api';
import type { ImageFilter } from './viewSlice';

/** Image indices that pass the filter, in order. */
export function filteredImages(a: BundleSummary | null, f: ImageFilter): number[] {
  if (!a) return [];
  const { count, labels, predicted } = a.images;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (f.kind === 'class' && (!labels || labels[i] !== f.cls)) continue;
    if (f.kind === 'predicted' && predicted[i] !== f.cls) continue;
    if (f.kind === 'misclassified' && (!labels || labels[i] === predicted[i])) continue;
    out.push(i);
  }
  return out;
}

export function className(a: BundleSummary | null, k: number | null | undefined): string {
  if (k === null || k === undefined || k < 0) return '—';
  return a?.classNames[k] ?? String(k);
}
