/**
 * The reference stack, side by side: runs bench/pytorch/conductance.py (PyTorch CPU, the same
 * deterministic images, steps, layers and trapezoid on the fashion-cnn weights read from the tfjs
 * files), checks the engine's numbers against it and times both in this process.
 *   npx tsx bench/pytorch/compare.ts   (alone; `npm run bench` includes it)
 * Without PyTorch (`apt-get install python3-torch`, for /usr/bin/python3) it says so and skips.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { conductance } from '../../src/core/attribution/conductance';
import { Executor } from '../../src/core/model/executor';
import { demoModels } from '../models';
import { time } from '../timing';
import { saeMeasures, type BenchRow } from '../workload';

interface TorchResult {
  skipped?: string;
  images: number;
  steps: number;
  layers: string[];
  net: Record<string, number[][]>;
  times: Record<string, { conductance_ms: number; one_layer_ms: number; floor_ms: number }>;
  /** One STSAE epoch (2000 rows, K = 3d), ms, one thread: "stsae d=64". */
  sae?: Record<string, number>;
  torch: string;
}

type PytorchRow = BenchRow;

const PYTHON = process.env.CODEC_PYTHON ?? '/usr/bin/python3';

/** Runs the PyTorch side, then the engine's (on the current tfjs backend); [] when PyTorch is absent. */
export async function pytorchMeasures(quick: boolean, log: (s: string) => void = (s) => console.error(`[bench] ${s}`)): Promise<PytorchRow[]> {
  const file = 'bench/results/tmp/torch.json';
  mkdirSync('bench/results/tmp', { recursive: true });
  if (!existsSync(PYTHON)) {
    log(`PyTorch comparison skipped: no ${PYTHON}`);
    return [];
  }
  const r = spawnSync(PYTHON, ['bench/pytorch/conductance.py', '--out', file, '--reps', quick ? '1' : '3'], { encoding: 'utf8', timeout: 10 * 60 * 1000 });
  const said = (r.stdout || '').trim().split('\n').at(-1) ?? '';
  if (r.status !== 0) {
    log(`PyTorch comparison skipped: the script failed (${(r.stderr || said).trim().split('\n').at(-1)})`);
    return [];
  }
  if (/"skipped"/.test(said)) {
    log(`PyTorch comparison skipped: ${JSON.parse(said).skipped}`);
    return [];
  }
  const ref = JSON.parse(readFileSync(file, 'utf8')) as TorchResult;
  const bm = (await demoModels()).find((m) => m.name === 'fashion-cnn');
  if (!bm) {
    log('PyTorch comparison skipped: no fashion-cnn demo model');
    return [];
  }
  const exec = new Executor(bm.model);
  const n = ref.images * bm.input.reduce((p, d) => p * d, 1);
  const x = tf.tensor(Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 65521) / 65521), [ref.images, ...bm.input]);
  try {
    const res = await conductance(exec, x, { layers: ref.layers, steps: ref.steps });
    let worst = 0;
    for (const l of ref.layers) {
      const mine = res.layers.get(l)!.net;
      const theirs = ref.net[l].flat();
      const scale = Math.max(...theirs.map(Math.abs));
      const diff = Math.max(...theirs.map((v, i) => Math.abs(v - mine[i])));
      worst = Math.max(worst, diff / scale);
      log(`vs PyTorch ${l}: max |engine - torch| = ${diff.toExponential(2)} (relative ${(diff / scale).toExponential(2)})`);
    }
    const tCond = await time(() => conductance(exec, x, { layers: ref.layers, steps: ref.steps }), quick ? 1 : 3);
    const be = `${tf.getBackend()} Node vs PyTorch ${ref.torch} CPU`;
    const what = `(${ref.images} img, ${ref.steps} steps, ${ref.layers.length} layers)`;
    const rows: PytorchRow[] = [{ section: 'vs PyTorch', model: bm.name, backend: be, what: `engine vs PyTorch, max relative difference of per-channel contributions over the ${ref.layers.length} layers`, value: worst, unit: '', goal: '<= 1e-4' }];
    for (const [k, t] of Object.entries(ref.times)) {
      rows.push({ section: 'vs PyTorch', model: bm.name, backend: `${be}, ${k.replace('=', ' ')}`, what: `conductance ${what}, engine ${tCond.toFixed(0)} ms / PyTorch ${t.conductance_ms.toFixed(0)} ms`, value: tCond / t.conductance_ms, unit: 'x', goal: '<= 2', torch: { msPerImage: t.conductance_ms / ref.images, threads: Number(k.split('=')[1]) } });
      rows.push({ section: 'vs PyTorch', model: bm.name, backend: `PyTorch ${ref.torch} CPU, ${k.replace('=', ' ')}`, what: `PyTorch's own conductance / its floor (fwd+bwd over ${(ref.steps + 1) * ref.images})`, value: t.conductance_ms / t.floor_ms, unit: 'x' });
    }
    // One STSAE epoch at the same sizes, in this process (the bench's saeMeasures).
    for (const [name, ms] of Object.entries(ref.sae ?? {})) {
      const d = Number(name.split('=')[1]);
      const mine = (await saeMeasures('stsae', 2000, d, quick ? 2 : 4))[0].value;
      rows.push({ section: 'vs PyTorch', model: '', backend: `${tf.getBackend()} Node vs PyTorch ${ref.torch} CPU, threads 1`, what: `STSAE epoch, d=${d} K=${3 * d}, 2000 rows: engine ${mine.toFixed(0)} ms / PyTorch ${ms.toFixed(0)} ms`, value: mine / ms, unit: 'x', goal: '<= 2' });
    }
    return rows;
  } finally {
    x.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await useNodeBackend('wasm');
  for (const r of await pytorchMeasures(false, (s) => console.log(s))) console.log(`${r.section} | ${r.backend} | ${r.what}: ${r.unit === 'x' ? r.value.toFixed(2) + 'x' : r.value.toExponential(2)}${r.goal ? ` (goal ${r.goal})` : ''}`);
}
