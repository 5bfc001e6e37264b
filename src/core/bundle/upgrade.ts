/**
 * Reading a version 1 bundle as version 2 (completenessRecord.ts). Version 1 stored per image the
 * symmetric measure |sum C - dF| / max(|dF|, sum |C|) as `completeness`; version 2 stores the plain
 * error |sum C - dF| / |dF| there. For conductance (dF = F(x) - F(x0), both stored) the plain error
 * is recomputed from the stored arrays: sum C per image is the sum over channels of contrib_net.
 * For the other methods the layer's own dF was not stored, so `completeness` becomes null and only
 * the symmetric measure is kept (`completenessSymmetric`), which the views name as such.
 *
 * The manifest is changed in place (so an export writes it as version 2) and returned.
 */
import { jsonNumbers } from './completenessRecord';
import { summarizeErrors, tinyThreshold } from '../attribution/completeness';
import type { ArrayRef, BundleManifest, LayerMetrics } from './manifest';

function medianOf(v: (number | null)[]): number | null {
  const s = v.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The metrics fields of a layer's completeness, from per-image plain errors and gaps. */
export function completenessMetrics(err: ArrayLike<number>, gap: ArrayLike<number>, sym: ArrayLike<number> | null, threshold: number): Pick<LayerMetrics, 'completenessMedian' | 'completenessP90' | 'completenessUnder5' | 'completenessTiny' | 'completenessTinyGapMax' | 'completenessGapMedian' | 'completenessSymmetricMedian'> {
  const s = summarizeErrors(err, gap, sym, threshold);
  return {
    completenessMedian: s.median,
    completenessP90: s.p90,
    completenessUnder5: s.under5,
    completenessTiny: s.tinyCount,
    completenessTinyGapMax: s.tinyGapMax,
    completenessGapMedian: s.gapMedian,
    completenessSymmetricMedian: s.symmetricMedian,
  };
}

/**
 * Upgrades a validated version 1 manifest to version 2 in place; `read` gives an array's values
 * (or null when it cannot be read: the plain error is then not known). Version 2 is returned as is.
 */
export function upgradeManifest(m: BundleManifest, read: (ref: ArrayRef) => ArrayLike<number> | null): BundleManifest {
  if (m.version !== 1) return m;
  const safeRead = (ref: ArrayRef | undefined) => {
    if (!ref) return null;
    try {
      return read(ref);
    } catch {
      return null;
    }
  };
  const F = safeRead(m.outputs.F);
  const F0 = safeRead(m.outputs.F0);
  const n = m.images.length;
  const dF = F && F0 ? Array.from({ length: n }, (_, i) => F[i] - F0[i]) : null;
  const threshold = dF ? tinyThreshold(dF) : 0;
  if (dF && m.settings.method === 'conductance') m.settings.tinyDF = threshold;
  for (const l of m.layers) {
    if (!l.completeness) continue;
    const sym = l.completeness;
    l.completenessSymmetric = sym;
    const symMedian = l.metrics?.completenessMedian ?? medianOf(sym);
    const net = m.settings.method === 'conductance' && dF ? safeRead(l.arrays.contrib_net) : null;
    if (net && dF) {
      const c = l.arrays.contrib_net.shape[1] ?? 1;
      const total = Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let k = 0; k < c; k++) s += net[i * c + k];
        return s;
      });
      const gap = total.map((t, i) => Math.abs(t - dF[i]));
      const err = total.map((t, i) => (gap[i] === 0 ? 0 : gap[i] / Math.abs(dF[i])));
      l.completeness = jsonNumbers(err);
      l.completenessGap = jsonNumbers(gap);
      if (l.metrics) Object.assign(l.metrics, completenessMetrics(err, gap, null, threshold), { completenessSymmetricMedian: symMedian });
    } else {
      l.completeness = null;
      if (l.metrics) Object.assign(l.metrics, { completenessMedian: null, completenessSymmetricMedian: symMedian });
    }
  }
  m.version = 2;
  return m;
}
