/**
 * A cell's first-layer contributions read per planted bipolar type: the conductance of each
 * student channel (summed over space) at the bundle's moments, averaged, and added up per type
 * through the channel -> type matching. Compared with the planted input weights by cosine.
 */
import type { RetinaViewBundle } from '../../core/retina/viewBundle';

export function cellTypeProfile(view: RetinaViewBundle, cell: number): number[] {
  const out = view.types.map(() => 0);
  let n = 0;
  for (const m of view.movies) {
    for (const mo of m.moments) {
      mo.cells[cell].channelNet.forEach((v, ch) => {
        const t = view.channelType[ch];
        if (t >= 0) out[t] += v;
      });
      n++;
    }
  }
  return out.map((v) => v / Math.max(1, n));
}

export function cosineOf(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, i) => {
    ab += v * b[i];
    aa += v * v;
    bb += b[i] * b[i];
  });
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The moment where the most modes act for `cell` (ties: the earliest): where the view opens, so
 * that it does not open on "no mode active" (most moments of most cells have none).
 */
export function busiestMoment(moments: readonly { cells: readonly { modes: readonly unknown[] }[] }[], cell: number): number {
  let best = 0;
  moments.forEach((m, i) => {
    if ((m.cells[cell]?.modes.length ?? 0) > (moments[best].cells[cell]?.modes.length ?? 0)) best = i;
  });
  return best;
}

/** The moment of a movie nearest to time t. */
export function nearestMoment<T extends { t: number }>(moments: readonly T[], t: number): number {
  let best = 0;
  moments.forEach((m, i) => {
    if (Math.abs(m.t - t) < Math.abs(moments[best].t - t)) best = i;
  });
  return best;
}
