/** Timing helpers: median of repeated runs after a warm-up. */
export async function time(fn: () => Promise<unknown> | unknown, reps = 3, warm = 1): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}
