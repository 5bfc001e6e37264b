/** Two decimals, 'n/a' when not finite (the retina view's numbers; the e2e test reads them back). */
export const f2 = (v: number | undefined | null): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : 'n/a');
