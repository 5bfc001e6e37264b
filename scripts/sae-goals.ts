/**
 * `npx tsx scripts/sae-goals.ts [--layers conv5,conv3] [--sizes 50,200,1500] [--wide]`: the
 * goals of issue 15 measured with the DEFAULT SAE settings on fashion-cnn and the demo's
 * Fashion-MNIST test images (public/demo/fashion/test2000.json): contributions and activations
 * of the chosen layers are collected once for all 2000 images; for each set size N the SAEs are
 * fitted on images 0..N-1 and judged on the 500 held-out images 1500..1999 (never fitted; N is
 * at most 1500): held-out R^2, median active modes per image, median residual share
 * |dF - sum of mode shares| / |dF| (contribution modes), alive modes and training time.
 * --wide adds the training time of a 1280-wide layer (random data, K default) at 200 rows.
 * Prints one JSON line per fit and a markdown table. CODEC_WASM_DIR: where the .wasm files are
 * (default: the installed package's).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { loadInputSet } from '../src/cli/inputs';
import { readModelCard, resolvePreprocessing } from '../src/cli/modelCard';
import { loadHookableFromDisk } from '../src/cli/modelFiles';
import { registerFastGradients } from '../src/core/kernels/register';
import { median } from '../src/core/metrics/stats';
import { collectAttributions } from '../src/core/pipeline/collect';
import { reconstructionR2, trainSae } from '../src/core/sae';
import { medianResidualShare } from '../src/core/sae/fitQuality';

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const layers = arg('layers', 'conv5').split(',').filter((s) => s && s !== 'none');
const sizes = arg('sizes', '50,200,1500').split(',').map(Number).filter((n) => n > 0);
const MODEL = 'public/demo/models/fashion-cnn/model.json';
const IMAGES = 'public/demo/fashion/test2000.json';
const HELD = [1500, 2000];

function rows(a: Float32Array, d: number, from: number, to: number): Float32Array {
  return a.slice(from * d, to * d);
}

async function main() {
  if (process.env.CODEC_WASM_DIR) setWasmPaths(process.env.CODEC_WASM_DIR);
  else {
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    setWasmPaths(path.join(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  }
  await tf.setBackend('wasm');
  await tf.ready();
  registerFastGradients();
  console.error(`[sae-goals] ${os.cpus()[0]?.model}, ${os.cpus().length} cores, load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}, backend ${tf.getBackend()}`);
  const table: string[] = ['| layer | modes of | N | held-out R² | median active modes | residual share (held-out median) | alive / K | val R² | steps | train s |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  if (layers.length > 0) await layerFits(table);
  if (process.argv.includes('--wide')) await wide(table);
  console.error(`[sae-goals] load at the end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(table.join('\n'));
}

async function layerFits(table: string[]) {
  const { exec } = await loadHookableFromDisk(MODEL);
  const pre = resolvePreprocessing(exec.inputShape, readModelCard(MODEL));
  const set = await loadInputSet(IMAGES, pre, {});
  let t = Date.now();
  const col = await collectAttributions(exec, set, { method: 'conductance', layers, steps: 10, target: { kind: 'logit' }, baseline: 'zeros', batchSize: 32 });
  console.error(`[sae-goals] contributions of ${set.n} images in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const dF = col.F.map((f, i) => f - col.F0[i]);
  for (const l of col.layers) {
    for (const source of ['contributions', 'activations'] as const) {
      const all = source === 'contributions' ? l.net : l.actNet;
      const d = l.channels;
      const held = rows(all, d, HELD[0], HELD[1]);
      const nh = HELD[1] - HELD[0];
      for (const n of sizes) {
        t = Date.now();
        const sae = await trainSae(rows(all, d, 0, n), n, d, { seed: 0 });
        const secs = (Date.now() - t) / 1000;
        const z = await sae.encodeAsync(held, nh);
        const r2 = reconstructionR2(held, await sae.decodeAsync(z, nh), nh, d).global;
        const active = median(Array.from({ length: nh }, (_, i) => z.subarray(i * sae.K, (i + 1) * sae.K).filter((v) => v > 0).length));
        const resid = source === 'contributions' ? medianResidualShare(z, sae.atoms, sae.std, dF.slice(HELD[0], HELD[1])) : null;
        const rec = { layer: l.name, source, n, d, K: sae.K, heldOutR2: r2, medianActive: active, residualShare: resid, alive: sae.aliveModes.length, r2Val: sae.r2Val, steps: sae.stepsRun, seconds: secs };
        console.log(JSON.stringify(rec));
        table.push(`| ${l.name} | ${source} | ${n} | ${r2.toFixed(3)} | ${active} | ${resid === null ? '-' : resid.toFixed(3)} | ${sae.aliveModes.length} / ${sae.K} | ${sae.r2Val?.toFixed(3)} | ${sae.stepsRun} | ${secs.toFixed(1)} |`);
      }
    }
  }
}

async function wide(table: string[]) {
  {
    const d = 1280;
    const n = 200;
    const data = Float32Array.from({ length: n * d }, (_, i) => Math.max(0, Math.sin(i * 12.9898) * 43758.5453 % 1));
    const t = Date.now();
    const sae = await trainSae(data, n, d, { seed: 0 });
    const secs = (Date.now() - t) / 1000;
    console.log(JSON.stringify({ layer: 'wide-1280 (random)', n, d, K: sae.K, hidden: sae.config.hidden, steps: sae.stepsRun, seconds: secs }));
    table.push(`| wide 1280 (random data) | - | ${n} | - | - | - | ${sae.aliveModes.length} / ${sae.K} | ${sae.r2Val?.toFixed(3)} | ${sae.stepsRun} | ${secs.toFixed(1)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
