/**
 * How the app words the completeness error (core/attribution/completeness.ts): the plain error
 * |sum C - dF| / |dF| as a percentage; where |dF| is tiny, that fact and the absolute gap; the
 * symmetric measure only as a named extra; and the steps used when they were raised until converged.
 */
import type { BundleSummary, LayerView } from '../../worker/api';

const pct = (v: number) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;
const num = (v: number) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toPrecision(2));

/** One layer's short line (the panel's visible text; layerCompletenessText is its tooltip). */
export function layerCompletenessShort(l: LayerView, settings: BundleSummary['settings']): string {
  const m = l.metrics;
  const change = m.stepChangeMedian != null ? ` · ${settings.steps} → ${2 * settings.steps} steps changes the contributions by ${pct(m.stepChangeMedian)} (median of ${m.stepChangeSample} images)` : '';
  if (!l.isCut) return `${l.name}: not a cut, no completeness check${change}`;
  if (m.completenessMedian === null) return m.completenessSymmetricMedian != null ? `${l.name}: plain completeness error not stored (old bundle); symmetric (extra) ${pct(m.completenessSymmetricMedian)}` : `${l.name}: no completeness stored`;
  const steps = l.stepsUsed?.length ? `steps until converged, median ${[...l.stepsUsed].sort((a, b) => a - b)[l.stepsUsed.length >> 1]}` : `${settings.steps} steps`;
  // Said first, so that a cut line still shows it: a median over 5% or a tenth of the images over 20%.
  const poor = m.completenessMedian > 0.05 || (m.completenessP90 ?? 0) > 0.2;
  const warn = poor ? `⚠ not converged${l.stepsUsed?.length ? '' : ' (try "until converged" or more steps)'}: ` : '';
  const parts = [`${warn}completeness error |ΣC − ΔF| / |ΔF| at ${l.name}: median ${pct(m.completenessMedian)}${m.completenessP90 != null ? `, p90 ${pct(m.completenessP90)}` : ''}`, steps];
  if (m.completenessTiny) parts.push(`${m.completenessTiny} tiny |ΔF|`);
  if (m.completenessSymmetricMedian != null) parts.push(`symmetric (extra) ${pct(m.completenessSymmetricMedian)}`);
  return parts.join(' · ') + change;
}

/** One layer's summary, in full, for the layer trends panel. */
export function layerCompletenessText(l: LayerView, settings: BundleSummary['settings']): string {
  const m = l.metrics;
  const change = m.stepChangeMedian != null ? `from ${settings.steps} to ${2 * settings.steps} steps the contributions change by ${pct(m.stepChangeMedian)} (median of ||C_S − C_2S||₁ / ||C_2S||₁ over ${m.stepChangeSample} images)` : null;
  if (!l.isCut) return `${l.name} is not a cut (a path bypasses it), so its contributions need not sum to ΔF: no completeness check.${change ? ` Convergence: ${change}.` : ''}`;
  if (m.completenessMedian === null) {
    return m.completenessSymmetricMedian != null
      ? `${l.name}: the plain completeness error is not stored in this bundle (old format, ${settings.method}); symmetric measure |ΣC − ΔF| / max(|ΔF|, Σ|C|), an extra that hides cancellations: ${pct(m.completenessSymmetricMedian)}.`
      : `${l.name}: no completeness error stored.`;
  }
  const parts = [`completeness error |ΣC − ΔF| / |ΔF| at ${l.name}: median ${pct(m.completenessMedian)}`];
  const more: string[] = [];
  if (m.completenessP90 != null) more.push(`90th percentile ${pct(m.completenessP90)}`);
  if (m.completenessUnder5 != null) more.push(`${pct(m.completenessUnder5)} of images ≤ 5%`);
  if (more.length) parts[0] += ` (${more.join(', ')})`;
  if (m.completenessTiny) parts.push(`${m.completenessTiny} image${m.completenessTiny === 1 ? '' : 's'} with a tiny |ΔF| left out (largest gap ${m.completenessTinyGapMax != null ? num(m.completenessTinyGapMax) : '?'})`);
  const steps = l.stepsUsed?.length ? stepsText(l.stepsUsed, settings) : `${settings.steps} steps`;
  parts.push(steps);
  if (m.completenessSymmetricMedian != null) parts.push(`symmetric measure (extra): ${pct(m.completenessSymmetricMedian)}`);
  if (change) parts.push(change);
  if ((m.completenessMedian > 0.05 || (m.completenessP90 ?? 0) > 0.2) && !l.stepsUsed?.length) parts.push('not converged (median above 5% or 90th percentile above 20%): more steps ("until converged") would change the contributions');
  return parts.join(' · ');
}

function stepsText(used: number[], settings: BundleSummary['settings']): string {
  const s = [...used].sort((a, b) => a - b);
  const capped = settings.stepsAuto ? used.filter((u) => u >= settings.stepsAuto!.cap).length : 0;
  return `steps until converged: median ${s[s.length >> 1]}, max ${s[s.length - 1]}${capped ? ` (${capped} at the cap ${settings.stepsAuto!.cap})` : ''}`;
}

/** The picked image's completeness at one layer, for the image panel. */
export function imageCompletenessText(l: LayerView, image: number, settings: BundleSummary['settings'], dF: number): string {
  if (!l.isCut) return `${l.name} is not a cut: no completeness check`;
  const e = l.completeness?.[image];
  const gap = l.completenessGap?.[image];
  const steps = l.stepsUsed?.[image] ?? settings.steps;
  const tiny = settings.tinyDF != null && Math.abs(dF) < settings.tinyDF;
  if (e === undefined) return `${l.name}: completeness not stored`;
  if (tiny || e === null || !Number.isFinite(e)) return `completeness at ${l.name}: |ΔF| is tiny (${num(Math.abs(dF))}), so the relative error says little; absolute gap |ΣC − ΔF| = ${gap != null ? num(gap) : '?'} (${steps} steps)`;
  return `completeness error at ${l.name}: ${pct(e)}${gap != null ? ` (gap ${num(gap)})` : ''}, ${steps} steps${e > 0.05 ? ' — above 5%: not converged' : ''}`;
}
