/** A bundle's relative model and image paths, rebased when it is written to another folder. */
import path from 'node:path';
import type { BundleManifest } from '../core/bundle/manifest';

/** `m` with model.path and imagesSource relative to `to` instead of `from` (both bundle locations). */
export function rebasePaths(m: BundleManifest, from: string, to: string): BundleManifest {
  const dirOf = (p: string) => (p.toLowerCase().endsWith('.zip') ? path.dirname(path.resolve(p)) : path.resolve(p));
  const move = (rel: string) => (path.isAbsolute(rel) ? rel : path.relative(dirOf(to), path.resolve(dirOf(from), rel)));
  return { ...m, model: { ...m.model, path: move(m.model.path) }, ...(m.imagesSource ? { imagesSource: move(m.imagesSource) } : {}) };
}
