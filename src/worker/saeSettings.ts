/**
 * The app's advanced SAE settings (steps, K, tau, learning rate) as analyze options, and the
 * part of the cache key they change (only the ones set, so that earlier cache keys still hit).
 */
import type { AnalyzeSettings } from './api';

export function saeOptions(s: AnalyzeSettings): { saeSteps?: number; K?: number; tau?: number; saeLr?: number } {
  return { saeSteps: s.saeSteps, K: s.saeK, tau: s.saeTau, saeLr: s.saeLr };
}

export function saeKeySettings(s: AnalyzeSettings): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['saeSteps', 'saeK', 'saeTau', 'saeLr'] as const) if (s[k] !== undefined) out[k] = s[k]!;
  // The SAE trainer's defaults changed (issue 15): a cached layer trained with the old ones is not reused.
  if (s.modes) out.saeSchedule = 2;
  return out;
}
