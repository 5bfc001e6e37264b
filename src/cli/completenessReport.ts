/**
 * The completeness columns and lines of the CLI's metrics table (analyze, report): the plain error
 * |sum C - dF| / |dF| (median and 90th percentile over images whose |dF| is not tiny), the images
 * with a tiny |dF| and their largest absolute gap, the symmetric measure only as a named extra, and
 * the steps used per image when they were raised until converged.
 */
import type { BundleManifest, LayerRecord } from '../core/bundle/manifest';

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(v < 0.1 ? 2 : 1)}%`);

/** The table cell of one layer. */
export function completenessCell(l: LayerRecord): string {
  const m = l.metrics;
  if (!l.isCut && !l.completeness) return 'not a cut';
  if (!m || m.completenessMedian === null || m.completenessMedian === undefined) {
    return m?.completenessSymmetricMedian != null ? `not stored (symmetric ${pct(m.completenessSymmetricMedian)})` : '-';
  }
  let s = `${pct(m.completenessMedian)} (p90 ${pct(m.completenessP90)})`;
  if (m.completenessTiny) s += `; ${m.completenessTiny} tiny dF, gap <= ${m.completenessTinyGapMax?.toPrecision(2) ?? '?'}`;
  return s;
}

export const COMPLETENESS_HEADER = 'completeness err abs(sum C - dF)/abs(dF) median (p90)';

/** Lines after the table: the steps used, the symmetric measure (an extra) and a warning above 5%. */
export function completenessLines(m: BundleManifest): string[] {
  const out: string[] = [];
  const cuts = m.layers.filter((l) => l.metrics?.completenessMedian != null);
  const sym = cuts.filter((l) => l.metrics?.completenessSymmetricMedian != null);
  const steps = m.layers.find((l) => l.stepsUsed?.length)?.stepsUsed;
  if (steps && m.settings.stepsAuto) {
    const s = [...steps].sort((a, b) => a - b);
    const a = m.settings.stepsAuto;
    const capped = steps.filter((v) => v >= a.cap).length;
    const hist = [...new Set(s)].map((v) => `${v}: ${s.filter((x) => x === v).length}`).join(', ');
    out.push(`steps until converged (target ${pct(a.target)}, from ${a.start}, cap ${a.cap}): median ${s[s.length >> 1]}, max ${s[s.length - 1]}; images per step count ${hist}${capped ? `; ${capped} stopped at the cap` : ''}`);
  }
  if (m.settings.tinyDF !== undefined) out.push(`tiny dF: abs(F(x) - F(x0)) < ${m.settings.tinyDF.toPrecision(2)} (1% of the median); such images are left out of the medians and counted`);
  if (sym.length) out.push(`symmetric measure abs(sum C - dF)/max(abs(dF), sum abs(C)) (an extra; it hides cancellations): ${sym.map((l) => `${l.name} ${pct(l.metrics!.completenessSymmetricMedian)}`).join(', ')}`);
  const ch = m.layers.filter((l) => l.metrics?.stepChangeMedian != null);
  if (ch.length) out.push(`contributions at ${m.settings.steps} vs ${2 * m.settings.steps} steps (median over ${ch[0].metrics!.stepChangeSample} images of sum abs(C_S - C_2S) / sum abs(C_2S) over channels): ${ch.map((l) => `${l.name} ${pct(l.metrics!.stepChangeMedian)}`).join(', ')}`);
  const high = cuts.filter((l) => l.metrics!.completenessMedian! > 0.05);
  if (high.length && !m.settings.stepsAuto) out.push(`completeness error above 5% at ${high.map((l) => l.name).join(', ')}: the path integral has not converged at ${m.settings.steps} steps; try --steps auto (or more steps)`);
  return out;
}
