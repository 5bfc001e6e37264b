/**
 * `codec merge <parts...> --out <bundle>`: joins the shard bundles of one analysis (written by
 * `codec analyze --shard i/n`), checks they agree and that every shard is there once, then fits
 * the SAEs and computes the metrics on the whole set (docs/shards.md). `--sae none` joins only.
 */
import { readBundleFromDisk, writeBundleDir } from '../bundleFiles';
import { parse, progressLine, required } from '../args';
import { rebasePaths } from '../bundlePaths';
import { saeFlags } from '../saeFlags';
import { saeProgressLine } from '../saeProgress';
import { useNodeBackend } from '../nodeBackend';
import { keyword } from '../../core/errors';
import { fitAnalysis } from '../../core/shards/fitAnalysis';
import { joinShards } from '../../core/shards/merge';
import { printMetricsTable } from './report';

/** The SAE options of analyze (saeFlags.ts reads them), the output and the backend. */
export const MERGE_OPTIONS = {
  sae: { type: 'string' },
  'sae-on': { type: 'string' },
  'sae-epochs': { type: 'string' },
  'sae-steps': { type: 'string' },
  'sae-lr': { type: 'string' },
  reduction: { type: 'string' },
  K: { type: 'string' },
  tau: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
} as const;

export async function mergeCommand(argv: string[]): Promise<number> {
  const cmd = 'merge';
  const { values: v, positionals } = parse(cmd, argv, MERGE_OPTIONS, 1);
  const out = required(cmd, v, 'out');
  const opts = saeFlags(cmd, v);
  await useNodeBackend(v.backend ? keyword(String(v.backend), 'backend', ['wasm', 'cpu'] as const) : undefined);
  const parts = [];
  for (const p of positionals) parts.push({ name: p, bundle: await readBundleFromDisk(p) });
  const t0 = Date.now();
  const joined = await joinShards(parts);
  const base = rebasePaths(joined.manifest, joined.from, out);
  const progress = progressLine(cmd);
  const res = await fitAnalysis(base, joined.collected, joined.stepChange, { ...opts, onSaeEpoch: saeProgressLine(cmd), onProgress: (p) => progress(p.done, p.total, p.stage + (p.layer ? ` ${p.layer}` : '')) });
  await writeBundleDir(out, res.files);
  console.error(`[${cmd}] ${parts.length} shards, ${res.manifest.images.length} images, ${res.manifest.layers.length} layers joined${opts.sae === 'none' ? '' : ' and SAEs fitted'} in ${((Date.now() - t0) / 1000).toFixed(1)} s; bundle written to ${out}`);
  printMetricsTable(res.manifest);
  return 0;
}
