/**
 * What a downloaded figure shows, in words (#19 item 9): each export starts with a title line
 * (the panel, layer, mode, image, ablation) and the analysis it comes from (model, images,
 * method, target, steps), so a figure found later in a folder says what it is.
 */
import type { BundleSummary } from '../../worker/api';

export function analysisLine(a: BundleSummary | null): string {
  if (!a) return '';
  const s = a.settings;
  const steps = s.stepsAuto ? `until converged (cap ${s.stepsAuto.cap} steps)` : `${s.steps} steps`;
  return `${a.modelName} · ${a.images.count} images · ${s.method}, ${s.target}, ${s.baseline} baseline, ${steps}`;
}

/** The figure's caption lines: its title, then the analysis line. */
export function figureCaption(title: string, a: BundleSummary | null): string[] {
  const line = analysisLine(a);
  return line ? [title, line] : [title];
}
