/** Timing helpers: median of repeated runs after a warm-up. */
export async function time(fn: () => Promise<unknown> | unknown, reps = 3, warm = 1): Promise<number> {
  return (await timeInterleaved([fn], reps, warm))[0];
}

/**
 * Medians of several workloads timed in interleaved rounds (A B C, A B C, ...) after a warm-up of
 * each: a slow spell of a shared machine then falls on every workload alike, and their ratios, which
 * the benchmark reports, move less than when each is timed in a block of its own.
 */
export async function timeInterleaved(fns: (() => Promise<unknown> | unknown)[], reps = 3, warm = 1): Promise<number[]> {
  for (let i = 0; i < warm; i++) for (const fn of fns) await fn();
  const ts: number[][] = fns.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (const [j, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      ts[j].push(performance.now() - t);
    }
  }
  return ts.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}
