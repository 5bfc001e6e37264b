import { describe, expect, it } from 'vitest';
import { clampPct, percentile } from './ablationSlice';
import { createAppStore } from './store';

describe('ablation slice', () => {
  it('moves p live and commits it on release only', () => {
    const store = createAppStore();
    expect(store.getState()).toMatchObject({ ablKind: 'destroy', ablPct: 10, ablCommitted: 10 });
    store.getState().setAblPct(37, false);
    expect(store.getState()).toMatchObject({ ablPct: 37, ablCommitted: 10 });
    store.getState().setAblPct(38, true);
    expect(store.getState()).toMatchObject({ ablPct: 38, ablCommitted: 38 });
    store.getState().setAblKind('preserve');
    expect(store.getState().ablKind).toBe('preserve');
  });
  it('clamps p to whole percents in 1-99', () => {
    expect([clampPct(0), clampPct(100), clampPct(12.6), clampPct(-5)]).toEqual([1, 99, 13, 1]);
  });
  it('keeps the last 400 latencies and reports percentiles', () => {
    const store = createAppStore();
    for (let i = 1; i <= 450; i++) store.getState().recordLatency(i);
    expect(store.getState().ablationMs.length).toBe(400);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
