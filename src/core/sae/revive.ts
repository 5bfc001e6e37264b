/**
 * Dead-mode revival (DESIGN.md section 3: "bring dead modes back"). A mode whose code is 0 on
 * every row of a sample gets no gradient under the STSAE's hard threshold (nor under TopK when
 * it never makes the top k), so it stays dead for the rest of training. As in Anthropic's
 * "Towards Monosemanticity" resampling (and the dead-latent handling of current SAE libraries),
 * each dead mode is re-initialised toward one badly reconstructed row: rows are drawn with
 * probability proportional to their squared reconstruction error, the mode's atom is set to that
 * row's residual (so the mode explains what the dictionary misses), its encoder column is pointed
 * at the row (so it fires there), and its Adam moments are cleared. The kind decides how (see
 * SaeArch.revive). Nothing is read back synchronously: the sample's fire counts and errors come
 * back with one asynchronous read each.
 */
import * as tf from '@tensorflow/tfjs';
import type { Adam } from './adam';
import { inference, type SaeArch } from './arch';
import type { SaeConfig } from './types';

/** Rows sampled to find dead modes and bad rows. */
export const REVIVE_SAMPLE = 1024;

export interface ReviveJob {
  arch: SaeArch;
  vars: Record<string, tf.Variable>;
  /** Variable names in the optimizer's order. */
  names: string[];
  adam: Adam;
  X: tf.Tensor2D;
  train: Int32Array;
  /** The config with the current training threshold. */
  config: SaeConfig;
  random: () => number;
}

/** Draws up to `count` distinct indices with probability proportional to weight (seeded). */
export function drawWeighted(weights: ArrayLike<number>, count: number, random: () => number): number[] {
  const w = Float64Array.from(weights, (v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const out: number[] = [];
  for (let t = 0; t < count; t++) {
    let total = 0;
    for (const v of w) total += v;
    if (total <= 0) break;
    let u = random() * total;
    let i = 0;
    while (i < w.length - 1 && (u -= w[i]) >= 0) i++;
    while (w[i] <= 0 && i > 0) i--; // float round-off at the end
    out.push(i);
    w[i] = 0;
  }
  return out;
}

/** Re-initialises the dead modes of a sample; returns how many were revived. */
export async function reviveDeadModes(job: ReviveJob): Promise<number> {
  const { arch, vars, names, adam, X, train, config, random } = job;
  if (!arch.revive) return 0;
  const m = Math.min(REVIVE_SAMPLE, train.length);
  const picked = new Int32Array(m);
  const pool = train.slice();
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
    picked[i] = pool[i];
  }
  const [fired, err] = tf.tidy(() => {
    const xs = tf.gather(X, tf.tensor1d(picked, 'int32')) as tf.Tensor2D;
    const z = arch.encode(vars, xs, config, inference);
    const e = xs.sub(arch.decode(vars, z)).square().sum(1);
    return [z.greater(0).cast('float32').sum(0), e];
  });
  const [firedV, errV] = (await Promise.all([fired.data(), err.data()])) as Float32Array[];
  tf.dispose([fired, err]);
  const dead: number[] = [];
  firedV.forEach((c, k) => c === 0 && dead.push(k));
  if (dead.length === 0) return 0;
  const rows = drawWeighted(errV, dead.length, random);
  if (rows.length === 0) return 0;
  const modes = dead.slice(0, rows.length);
  const keep = tf.tidy(() => {
    const xs = tf.gather(X, tf.tensor1d(rows.map((r) => picked[r]), 'int32')) as tf.Tensor2D;
    const resid = xs.sub(arch.decode(vars, arch.encode(vars, xs, config, inference))) as tf.Tensor2D;
    const onehot = tf.oneHot(tf.tensor1d(modes, 'int32'), config.K).cast('float32') as tf.Tensor2D;
    return arch.revive!(vars, xs, resid, onehot, config);
  });
  for (const [name, mask] of Object.entries(keep)) adam.resetWhere(names.indexOf(name), mask);
  tf.dispose(Object.values(keep));
  return modes.length;
}
