/**
 * Checks bench/pytorch/conductance.py's numbers against the engine and compares times:
 *   /usr/bin/python3 bench/pytorch/conductance.py && npx tsx bench/pytorch/compare.ts [--backend=wasm]
 * The same deterministic images, steps and layers; prints the max |difference| of the per-image
 * per-channel net contributions (relative to the largest) and engine / PyTorch time ratios.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { useNodeBackend, type NodeBackend } from '../../src/cli/nodeBackend';
import { conductance } from '../../src/core/attribution/conductance';
import { Executor } from '../../src/core/model/executor';
import { demoModels } from '../models';
import { time } from '../timing';

const file = 'bench/results/tmp/torch.json';
if (!existsSync(file)) {
  console.log(`no ${file}: run /usr/bin/python3 bench/pytorch/conductance.py first (it needs PyTorch)`);
  process.exit(0);
}
const ref = JSON.parse(readFileSync(file, 'utf8')) as { images: number; steps: number; layers: string[]; net: Record<string, number[][]>; times: Record<string, { conductance_ms: number; one_layer_ms: number; floor_ms: number }>; torch: string };
const backend = (process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'wasm') as NodeBackend;
await useNodeBackend(backend);
const bm = (await demoModels()).find((m) => m.name === 'fashion-cnn');
if (!bm) throw new Error('no fashion-cnn demo model');
const exec = new Executor(bm.model);
const n = ref.images * bm.input.reduce((p, d) => p * d, 1);
const x = tf.tensor(Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 65521) / 65521), [ref.images, ...bm.input]);
const res = await conductance(exec, x, { layers: ref.layers, steps: ref.steps });
let worst = 0;
for (const l of ref.layers) {
  const mine = res.layers.get(l)!.net;
  const theirs = ref.net[l].flat();
  const scale = Math.max(...theirs.map(Math.abs));
  const diff = Math.max(...theirs.map((v, i) => Math.abs(v - mine[i])));
  worst = Math.max(worst, diff / scale);
  console.log(`${l}: max |engine - torch| = ${diff.toExponential(2)} (largest |value| ${scale.toFixed(3)}, relative ${(diff / scale).toExponential(2)})`);
}
const tCond = await time(() => conductance(exec, x, { layers: ref.layers, steps: ref.steps }), 3);
const tOne = await time(() => conductance(exec, x, { layers: ref.layers.slice(0, 1), steps: ref.steps }), 3);
console.log(`engine (${tf.getBackend()}): conductance ${tCond.toFixed(0)} ms, 1 layer ${tOne.toFixed(0)} ms, ${ref.images} images, ${ref.steps} steps`);
for (const [k, t] of Object.entries(ref.times)) console.log(`PyTorch ${ref.torch} CPU ${k}: conductance ${t.conductance_ms.toFixed(0)} ms (engine / torch ${(tCond / t.conductance_ms).toFixed(2)}x), floor ${t.floor_ms.toFixed(0)} ms`);
console.log(`worst relative difference ${worst.toExponential(2)} (${worst < 1e-4 ? 'agrees to 1e-4' : 'DISAGREES beyond 1e-4'})`);
x.dispose();
