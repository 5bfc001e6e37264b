/**
 * `codec fit <bundle> --out <bundle>`: recomputes a whole bundle's metrics and refits its SAEs
 * from its stored arrays, with the SAE flags of analyze (--sae, --sae-on, --K, --tau,
 * --sae-epochs, --sae-steps, --sae-lr, --reduction, --seed); no model needed. Sweeps are not
 * rerun. A shard is refused: join the shards with codec merge.
 */
import { readBundleFromDisk, writeBundleDir } from '../bundleFiles';
import { parse, progressLine, required } from '../args';
import { rebasePaths } from '../bundlePaths';
import { saeFlags } from '../saeFlags';
import { saeProgressLine } from '../saeProgress';
import { useNodeBackend } from '../nodeBackend';
import { CodecError, keyword } from '../../core/errors';
import { collectedFromBundle, fitAnalysis } from '../../core/shards/fitAnalysis';
import { printMetricsTable } from './report';

/** The SAE options of analyze (saeFlags.ts reads them), the output and the backend. */
export const FIT_OPTIONS = {
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

export async function fitCommand(argv: string[]): Promise<number> {
  const cmd = 'fit';
  const { values: v, positionals } = parse(cmd, argv, FIT_OPTIONS, 1);
  const out = required(cmd, v, 'out');
  const opts = saeFlags(cmd, v);
  await useNodeBackend(v.backend ? keyword(String(v.backend), 'backend', ['wasm', 'cpu'] as const) : undefined);
  const bundle = await readBundleFromDisk(positionals[0]);
  const p = bundle.manifest.partial;
  if (p) throw new CodecError('InputError', `${cmd}: ${positionals[0]} is shard ${p.shard.index}/${p.shard.count} of an analysis; join the shards with codec merge <parts...> --out <bundle> (which fits the SAEs).`);
  const t0 = Date.now();
  const { collected, stepChange } = await collectedFromBundle(bundle);
  const progress = progressLine(cmd);
  const res = await fitAnalysis(rebasePaths(bundle.manifest, positionals[0], out), collected, stepChange, { ...opts, onSaeEpoch: saeProgressLine(cmd), onProgress: (q) => progress(q.done, q.total, q.stage + (q.layer ? ` ${q.layer}` : '')) });
  await writeBundleDir(out, res.files);
  console.error(`[${cmd}] ${res.manifest.images.length} images, ${res.manifest.layers.length} layers refitted in ${((Date.now() - t0) / 1000).toFixed(1)} s; bundle written to ${out}`);
  printMetricsTable(res.manifest);
  return 0;
}
