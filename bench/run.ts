/**
 * `npm run bench [-- --quick] [-- --backends wasm,cpu]`: where the time goes. Writes
 * bench/results/<date>-<machine>.json and prints a markdown table. Ratios are measured side by
 * side in one run (absolute times move between runs on shared machines).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { useNodeBackend, type NodeBackend } from '../src/cli/nodeBackend';
import { conductance } from '../src/core/attribution/conductance';
import { Executor } from '../src/core/model/executor';
import { demoModels, plainCnn, resnet50, type BenchModel } from './models';
import { naiveConductance } from './naive';
import { time } from './timing';
import { fixMeasures } from './fixes';
import { pytorchMeasures } from './pytorch/compare';
import { conductanceMeasures, saeMeasures, type BenchRow } from './workload';
import { completenessRows } from './completeness';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const backendsArg = args.find((a) => a.startsWith('--backends='))?.split('=')[1];
const backends = (backendsArg ? backendsArg.split(',') : quick ? ['wasm'] : ['wasm', 'cpu']) as NodeBackend[]; // quick: CPU in Node is skipped (the browser part still times it)

type Row = BenchRow;
const rows: Row[] = [];
const add = (r: Row) => {
  rows.push(r);
  console.error(`[bench] ${r.section} | ${r.model} | ${r.backend} | ${r.what}: ${fmtValue(r)} ${r.unit}`);
};

async function engineSection(bm: BenchModel, backend: string, b: number, steps: number) {
  const exec = new Executor(bm.model);
  for (const m of await conductanceMeasures(exec, bm.input, bm.layers, b, steps, quick ? 1 : 3)) add({ ...m, model: bm.name, backend });
  const x = tf.randomUniform([b, ...bm.input], 0, 1, 'float32', 1);
  if (backend === 'wasm') for (const m of await fixMeasures(exec, bm.input, bm.layers, b, steps, quick ? 1 : 3)) add({ ...m, model: bm.name, backend });
  if (backend === 'wasm' && !quick) {
    const xs = x.slice([0], [Math.min(4, b)]);
    const tNaive = await time(() => naiveConductance(exec, xs, bm.layers, steps), 1, 0);
    const tFast = await time(() => conductance(exec, xs, { layers: bm.layers, steps }), 1, 1);
    add({ section: 'naive loop', model: bm.name, backend, what: `speed-up over one pass per alpha step and layer (${xs.shape[0]} img)`, value: tNaive / tFast, unit: 'x' });
    xs.dispose();
  }
  x.dispose();
}

async function scalingSection(bm: BenchModel, backend: string) {
  const exec = new Executor(bm.model);
  for (const b of quick ? [4, 8] : [4, 8, 16, 32]) {
    const x = tf.randomUniform([b, ...bm.input]);
    const t = await time(() => conductance(exec, x, { layers: bm.layers, steps: 10 }), 1);
    add({ section: 'scaling: images', model: bm.name, backend, what: `${b} images, 10 steps`, value: t, unit: 'ms' });
    x.dispose();
  }
  const x = tf.randomUniform([8, ...bm.input]);
  for (const s of quick ? [5, 10] : [5, 10, 20, 40]) {
    const t = await time(() => conductance(exec, x, { layers: bm.layers, steps: s }), 1);
    add({ section: 'scaling: steps', model: bm.name, backend, what: `8 images, ${s} steps`, value: t, unit: 'ms' });
  }
  for (const chunk of quick ? [2, 11] : [1, 2, 4, 11]) {
    const info = await tf.profile(async () => {
      await conductance(exec, x, { layers: bm.layers, steps: 10, alphaChunk: chunk });
    });
    add({ section: 'memory', model: bm.name, backend, what: `peak bytes, alpha chunk ${chunk} (8 images)`, value: info.peakBytes / 2 ** 20, unit: 'MiB' });
  }
  x.dispose();
}

/** SAE training at the demo layers' sizes: d = each distinct channel count, 2000 rows (the demo subset). */
async function saeSection(models: BenchModel[], backend: string) {
  const exec = new Executor(models[0].model);
  const ds = [...new Set(models[0].layers.map((l) => exec.layer(l).outputShape.at(-1) as number))].sort((a, b) => a - b);
  for (const kind of ['stsae', 'topk'] as const) {
    for (const d of quick ? [ds[0], ds.at(-1) as number] : ds) {
      for (const m of await saeMeasures(kind, 2000, d, quick ? 2 : 4)) add({ ...m, model: models[0].name, backend });
    }
  }
  // A wide layer (MobileNetV2's out_relu is 1280 channels) at 200 rows, as a user's own small set (issue 15).
  for (const m of await saeMeasures('stsae', 200, 1280, 3)) add({ ...m, model: 'wide 1280', backend });
}

/** The browser part (bench/browser.mjs) in a child process; its rows join these. */
function browserSection(): { rows: Row[]; info: unknown } {
  const out = `bench/results/tmp/browser-${process.pid}.json`;
  mkdirSync('bench/results/tmp', { recursive: true });
  const r = spawnSync('node', ['bench/browser.mjs', '--json', out, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 20 * 60 * 1000 });
  if (r.status !== 0 || !existsSync(out)) {
    console.error(`[bench] browser part failed (exit ${r.status}); its rows are missing`);
    return { rows: [], info: { error: `exit ${r.status}` } };
  }
  const got = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[]; info: unknown };
  for (const row of got.rows) add(row);
  return got;
}

async function main() {
  const started = Date.now();
  await useNodeBackend(backends[0]);
  const models = await demoModels();
  if (models.length === 0) models.push(plainCnn());
  for (const backend of backends) {
    const got = await useNodeBackend(backend);
    for (const bm of models) {
      await engineSection(bm, got, backend === 'cpu' ? (quick ? 2 : 8) : 16, 10);
      if (backend === 'wasm') await scalingSection(bm, got);
    }
    await saeSection(models, got);
    if (!quick && backend === 'wasm') {
      const big = resnet50(224);
      const exec = new Executor(big.model);
      const x = tf.randomUniform([1, 224, 224, 3]);
      const t = await time(() => conductance(exec, x, { layers: big.layers, steps: 10 }), 1, 0);
      add({ section: 'scale', model: big.name, backend: got, what: `1 image, 10 steps, ${big.layers.length} block outputs`, value: t / 1000, unit: 's' });
      x.dispose();
    }
  }
  if (backends.includes('wasm')) {
    await useNodeBackend('wasm');
    // Completeness error |sum C - dF| / |dF| vs passes per integration rule (bench/completeness.ts; a few images).
    for (const r of await completenessRows(quick, 'wasm')) add(r);
    for (const r of await pytorchMeasures(quick)) add(r);
  }
  const browser = args.includes('--no-browser') ? { rows: [], info: 'skipped (--no-browser)' } : browserSection();
  for (const r of threadedVsPytorch()) add(r);
  const loadavg = os.loadavg();
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`.replace(/\s+/g, ' ');
  const result = { date: new Date().toISOString(), machine, node: process.version, tfjs: tf.version.tfjs, quick, loadavg, browser: browser.info, seconds: (Date.now() - started) / 1000, rows };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${result.date.slice(0, 10)}-${os.hostname().replace(/[^\w.-]/g, '_').slice(0, 20)}${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nMachine: ${machine}; Node ${process.version}; tfjs ${tf.version.tfjs}; ${quick ? 'quick' : 'full'} run, ${result.seconds.toFixed(0)} s; load average ${loadavg.map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| section | model | backend | measure | value | goal |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.section} | ${r.model} | ${r.backend} | ${r.what} | ${fmtValue(r)} ${r.unit} | ${r.goal ?? ''} |`);
  console.log(`\nwritten: ${file}`);
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});

/**
 * The engine with threads against PyTorch with as many: tfjs' threaded WASM build does not start in
 * Node, so the engine's threaded figure is the browser part's (WASM, 2 threads asked, the same
 * conductance workload on the same model in this run), per image against PyTorch's.
 */
function threadedVsPytorch(): Row[] {
  const out: Row[] = [];
  for (const t of rows.filter((r) => r.torch && r.torch.threads > 1)) {
    const engine = rows.find((r) => r.section === 'conductance (browser)' && r.backend.startsWith(`wasm, ${t.torch!.threads} threads`));
    if (!engine) continue;
    out.push({ section: 'vs PyTorch', model: t.model, backend: `Chromium WASM ${t.torch!.threads} threads vs PyTorch CPU ${t.torch!.threads} threads`, what: `conductance ${engine.what.replace(/^ms /, '')}, engine ${engine.value.toFixed(1)} ms / PyTorch ${t.torch!.msPerImage.toFixed(1)} ms`, value: engine.value / t.torch!.msPerImage, unit: 'x', goal: '<= 2' });
  }
  return out;
}

/** A row's value for the table: small non-zero values in exponent form (a 1e-7 difference is not 0.000). */
function fmtValue(r: { value: number; unit: string }): string {
  if (r.value !== 0 && Math.abs(r.value) < 0.01) return r.value.toExponential(2);
  return r.value.toFixed(r.unit === 'x' ? 2 : r.unit === '' ? 3 : 1);
}
