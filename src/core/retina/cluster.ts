/**
 * Clustering cells by their mode use and comparing with the planted classes: average-linkage
 * agglomerative clustering on cosine distance (1 - cos) down to k clusters, and the adjusted Rand
 * index (Hubert & Arabie 1985) of two labelings (1 = identical partitions, ~0 = chance).
 */
import { check } from '../errors';
import { cosine } from './irf';

/** Cluster labels 0..k-1 (numbered by first appearance) of the rows of `vectors`. */
export function clusterRows(vectors: readonly ArrayLike<number>[], k: number): number[] {
  const n = vectors.length;
  check(Number.isInteger(k) && k >= 1 && k <= Math.max(1, n), () => `clusterRows: k must be an integer in [1, ${n}], but got ${k}.`);
  if (n === 0) return [];
  const d = vectors.map((a) => vectors.map((b) => 1 - cosine(a, b)));
  let clusters: number[][] = vectors.map((_, i) => [i]);
  const link = (a: number[], b: number[]) => a.reduce((s, i) => s + b.reduce((t, j) => t + d[i][j], 0), 0) / (a.length * b.length);
  while (clusters.length > k) {
    let best = [0, 1];
    let bestD = Infinity;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const dij = link(clusters[i], clusters[j]);
        if (dij < bestD - 1e-12) {
          bestD = dij;
          best = [i, j];
        }
      }
    }
    const [i, j] = best;
    clusters = [...clusters.filter((_, q) => q !== i && q !== j), [...clusters[i], ...clusters[j]]];
  }
  const labels = Array<number>(n).fill(-1);
  clusters.forEach((c, q) => c.forEach((i) => (labels[i] = q)));
  const order = new Map<number, number>();
  return labels.map((l) => {
    if (!order.has(l)) order.set(l, order.size);
    return order.get(l)!;
  });
}

/** Adjusted Rand index of two labelings of the same items (any label values). */
export function adjustedRandIndex(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  check(a.length === b.length, () => `adjustedRandIndex: labelings differ in length (${a.length} and ${b.length}).`);
  const n = a.length;
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const ra = new Map<string | number, number>();
  const rb = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const index = [...table.values()].reduce((s, x) => s + c2(x), 0);
  const sa = [...ra.values()].reduce((s, x) => s + c2(x), 0);
  const sb = [...rb.values()].reduce((s, x) => s + c2(x), 0);
  const expected = n < 2 ? 0 : (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
