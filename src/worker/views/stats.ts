/**
 * Small statistics the views need (per mode, over a few hundred values).
 * TODO(engine): use src/core/metrics' hoyer/pearson when they land, so there is one definition.
 */

/** Hoyer sparsity (sqrt(d) - |v|_1/|v|_2) / (sqrt(d) - 1); 0 for a zero vector or d < 2. */
export function hoyer(v: ArrayLike<number>): number {
  const d = v.length;
  if (d < 2) return 0;
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < d; i++) {
    l1 += Math.abs(v[i]);
    l2 += v[i] * v[i];
  }
  if (l2 === 0) return 0;
  return (Math.sqrt(d) - l1 / Math.sqrt(l2)) / (Math.sqrt(d) - 1);
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

export function median(v: ArrayLike<number>): number | null {
  const s = Array.from(v).filter(Number.isFinite).sort((x, y) => x - y);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function argMax(v: ArrayLike<number>, start = 0, end = v.length): number {
  let best = -1;
  let bv = -Infinity;
  for (let i = start; i < end; i++) {
    if (v[i] > bv) {
      bv = v[i];
      best = i - start;
    }
  }
  return best;
}
