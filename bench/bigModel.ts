/**
 * Big models: conductance on full-size ImageNet-shaped networks (ResNet-50, 25.6M parameters,
 * and MobileNetV2 at 224x224, random calibrated weights), one image, 10 steps, per layer set,
 * with the alpha chunk picked from the memory budget as the app does. Reports the time per image
 * (wall clock, and this process's CPU time, which a busy shared machine disturbs less) and the
 * peak of tf.memory().numBytes (tf.profile's peakBytes) per run.
 *   npx tsx bench/bigModel.ts [--backend wasm|cpu] [--budgets-mib 256,1024] [--quick]
 * --quick runs ResNet-50 at 112x112 (a smoke test of the script).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { useNodeBackend, type NodeBackend } from '../src/cli/nodeBackend';
import { conductance } from '../src/core/attribution/conductance';
import { alphaChunkFor } from '../src/core/attribution/path';
import { Executor } from '../src/core/model/executor';
import { calibrateBatchNorm, mobileNetV2Like, resnet50Like } from '../tests/helpers/architectures';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const backend = arg('backend', 'wasm') as NodeBackend;
const budgets = arg('budgets-mib', '256,1024').split(',').map(Number);
const quick = process.argv.includes('--quick');
const size = quick ? 112 : 224;
const STEPS = 10;

interface Row {
  model: string;
  layerSet: string;
  layers: number;
  budgetMiB: number;
  alphaChunk: number;
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  /** Peak above what was allocated before the run (the weights): what the budget bounds. */
  passPeakMiB: number;
}

async function measure(name: string, model: tf.LayersModel, sets: Record<string, string[]>, budgets: number[]): Promise<Row[]> {
  const exec = new Executor(model);
  const perSample = exec.layers().reduce((s, l) => s + l.outputShape.reduce((p, d) => p * Math.max(d, 1), 1), 0);
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 3);
  tf.tidy(() => exec.predict(x).dataSync()); // warm-up: kernels compiled, weights uploaded
  const rows: Row[] = [];
  for (const budget of budgets) {
    for (const [setName, layers] of Object.entries(sets)) {
      const chunk = alphaChunkFor(budget * 2 ** 20, 1, perSample, STEPS + 1, layers.reduce((s, l) => s + exec.layer(l).outputShape.reduce((p, d) => p * d, 1), 0));
      const before = tf.memory().numBytes;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const info = await tf.profile(async () => {
        await conductance(exec, x, { layers, steps: STEPS, memoryBudgetBytes: budget * 2 ** 20 });
      });
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const row = { model: name, layerSet: setName, layers: layers.length, budgetMiB: budget, alphaChunk: chunk, seconds, cpuSeconds: (c.user + c.system) / 1e6, peakMiB: info.peakBytes / 2 ** 20, passPeakMiB: (info.peakBytes - before) / 2 ** 20 };
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
  x.dispose();
  return rows;
}

async function main() {
  const got = await useNodeBackend(backend);
  // Kernel profiling must not read every output back (the default checks outputs for NaN).
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const rows: Row[] = [];
  const calib = tf.randomUniform([2, size, size, 3], 0, 1, 'float32', 11);

  const resnet = calibrateBatchNorm(resnet50Like({ size, width: 1, classes: 1000 }), calib);
  const blocks = resnet.layers.map((l) => l.name).filter((n) => /_block\d+_out$/.test(n));
  const weightMiB = (resnet.countParams() * 4) / 2 ** 20;
  console.log(`ResNet-50: ${resnet.countParams()} parameters (${weightMiB.toFixed(0)} MiB), ${size}x${size}, ${got}`);
  rows.push(
    ...(await measure('ResNet-50', resnet, { 'one block output (conv4_block6_out)': ['conv4_block6_out'], '16 block outputs': blocks }, quick ? budgets.slice(0, 1) : budgets)),
  );
  resnet.dispose();

  if (!quick) {
    const mobile = calibrateBatchNorm(mobileNetV2Like({ size, width: 1, classes: 1000 }), calib);
    const outs = mobile.layers.map((l) => l.name).filter((n) => /^block_\d+_(add|project_BN)$/.test(n) && !mobile.layers.some((m) => m.name === n.replace('project_BN', 'add') && n.endsWith('project_BN')));
    console.log(`MobileNetV2: ${mobile.countParams()} parameters, ${size}x${size}`);
    rows.push(...(await measure('MobileNetV2', mobile, { [`${outs.length} block outputs`]: outs }, budgets.slice(0, 1))));
    mobile.dispose();
  }
  calib.dispose();

  const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`.replace(/\s+/g, ' ');
  console.log(`\nMachine: ${machine}; Node ${process.version}; tfjs ${tf.version.tfjs}; backend ${got}; 1 image, ${STEPS} steps, ${size}x${size}\n`);
  console.log('| model | layer set | memory budget | alpha chunk | time per image (wall) | CPU time | peak tensor memory | of it above the weights |\n| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.model} | ${r.layerSet} | ${r.budgetMiB} MiB | ${r.alphaChunk} | ${r.seconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${r.peakMiB.toFixed(0)} MiB | ${r.passPeakMiB.toFixed(0)} MiB |`);
  mkdirSync('bench/results/tmp', { recursive: true });
  const file = `bench/results/tmp/bigModel-${got}${quick ? '-quick' : ''}-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine, node: process.version, tfjs: tf.version.tfjs, backend: got, size, steps: STEPS, rows }, null, 2));
  console.log(`\nwritten: ${file}`);
}

main().catch((e) => {
  console.error(`bigModel: ${(e as Error).message}`);
  process.exit(1);
});
