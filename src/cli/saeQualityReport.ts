/**
 * The CLI's table of dictionary quality (core/sae/fitQuality.ts): per layer and source the
 * validation R^2, alive / dead modes, the median residual share, near-duplicate groups, steps
 * and the good / fair / poor mark, then a plain warning line for each poor fit.
 */
import type { BundleManifest } from '../core/bundle/manifest';

const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

export interface SaeQualityRow {
  layer: string;
  source: string;
  K: number;
  alive: number;
  r2: number | null;
  residualShare: number | null;
  duplicateGroups: number;
  steps: number | null;
  mark: string;
  warning?: string;
}

export function saeQualityRows(m: BundleManifest): SaeQualityRow[] {
  const rows: SaeQualityRow[] = [];
  for (const l of m.layers) {
    for (const source of ['contributions', 'activations'] as const) {
      const s = l.sae?.[source];
      if (!s) continue;
      const q = s.config.quality;
      rows.push({
        layer: l.name,
        source,
        K: s.config.K,
        alive: s.aliveModes.length,
        // Bundles made before the quality record: the R^2 on all rows, no mark.
        r2: q?.r2 ?? s.config.r2Global ?? null,
        residualShare: q?.residualShare ?? null,
        duplicateGroups: q?.duplicates.length ?? 0,
        steps: q?.steps ?? s.config.steps ?? null,
        mark: q?.mark ?? '-',
        warning: q?.warning,
      });
    }
  }
  return rows;
}

export function saeQualityLines(m: BundleManifest): string[] {
  const rows = saeQualityRows(m);
  if (rows.length === 0) return [];
  const out = ['', '| layer | modes of | R² (validation) | alive / K | residual share (median) | near-duplicate groups | steps | fit |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) out.push(`| ${r.layer} | ${r.source} | ${f(r.r2)} | ${r.alive} / ${r.K} | ${f(r.residualShare)} | ${r.duplicateGroups} | ${r.steps ?? '-'} | ${r.mark} |`);
  for (const r of rows) if (r.warning) out.push(`WARNING ${r.layer} ${r.source}: ${r.warning}`);
  return out;
}
