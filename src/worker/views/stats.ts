/** The statistics the views use: the engine's definitions (src/core/metrics), plus argMax. */
export { hoyer, median, pearson } from '../../core/metrics';

/** Index (relative to start) of the largest entry of v[start, end); -1 when empty. */
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
