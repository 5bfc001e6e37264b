/**
 * A dead mode (one that fires on none of the bundle's images, so its atom never trained) as one
 * line for `codec ablate`: ablating its top channels removes arbitrary channels, so the command
 * says so and names alive modes to pick instead. null for an alive mode.
 */
import type { SaeRecord } from '../core/bundle/manifest';

export function deadModeWarning(cmd: string, layer: string, source: string, sae: SaeRecord, mode: number, images?: number): string | null {
  const alive = sae.aliveModes;
  if (!Array.isArray(alive) || alive.includes(mode)) return null;
  const some = alive.slice(0, 8).join(', ') + (alive.length > 8 ? ', ...' : '');
  const on = images ? `none of the bundle's ${images} images` : 'no image of the bundle';
  const pick = alive.length > 0 ? `pick one of the ${alive.length} alive modes (${some})` : 'this dictionary has no alive mode';
  return `${cmd}: ${source} mode ${mode} at ${layer} is dead (it fires on ${on}, so its atom is untrained and the channels it picks are arbitrary); ${pick}.`;
}
