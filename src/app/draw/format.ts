/** Number and time formats shared by the panels. */
import * as d3 from 'd3';

export const fmt2 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : d3.format('.2f')(v));
/** Three significant digits, no SI prefixes (0.0914, not 91.4m). */
export const fmt3s = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? d3.format('.2~e')(v) : d3.format('.3~g')(v));
export const fmtSigned = (v: number) => (Number.isFinite(v) ? d3.format('+.3~f')(v) : '—');
export const pct = (v: number) => (Number.isFinite(v) ? d3.format('.0%')(v) : '—');

export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '…';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(s % 60).padStart(2, '0')} s`;
}
