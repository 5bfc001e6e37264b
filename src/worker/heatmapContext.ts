import type { TargetSpec } from '../core/attribution/targets';
import type { HookableModel } from '../core/model/runner';
import type { Analysis } from './analysis';
import type { HeatmapRequest, Preprocessing } from './api';
import { fail } from './fail';
import type { HeatmapContext } from './heatmap';

/** What a heatmap of `req` needs from the analysis: the mode's atom, the target, the steps and baseline the analysis used, and the atoms that set its colour scale. */
export function heatmapContext(a: Analysis, exec: HookableModel, x: Float32Array, p: Preprocessing, req: HeatmapRequest): HeatmapContext {
  const lm = a.layerModes(req.layer, req.source);
  const k = lm.alive.includes(req.mode) ? req.mode : fail(`heatmap: mode ${req.mode} is not an alive mode of ${req.layer}.`);
  const s = a.manifest.settings;
  const targetClass = a.outputs.targetClass[req.image];
  const target: TargetSpec = ['logit', 'prob', 'logprob'].includes(s.target) ? ({ kind: s.target, classIndex: targetClass } as TargetSpec) : { kind: 'logit', classIndex: Math.max(0, targetClass) };
  const baseline: 'blur' | 'zeros' = s.baseline === 'blur' ? 'blur' : 'zeros';
  const atomOf = (m: number) => lm.atoms.subarray(m * lm.d, (m + 1) * lm.d);
  const top = a.decomposition(req.image, req.layer, req.source).bars[0]?.mode ?? k;
  return { exec, baseline, x, inputShape: [p.height, p.width, p.channels] as [number, number, number], atom: atomOf(k), channels: lm.channels, target, targetClass, steps: s.steps, scaleAtoms: lm.alive.map(atomOf), anchorAtom: top !== k ? atomOf(top) : null };
}
