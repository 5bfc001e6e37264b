/**
 * The benchmark's browser page (built by bench/browser/vite.config.ts, driven by
 * bench/browser.mjs through Playwright): the Node bench's conductance and SAE workloads on one
 * tfjs backend in the page, started the way the app's worker starts it (chooseBackend, forced).
 */
import * as tf from '@tensorflow/tfjs';
import { Executor } from '../../src/core/model/executor';
import { loadModelFromFiles } from '../../src/core/model/load';
import { chooseBackend } from '../../src/worker/backend';
import type { BackendName } from '../../src/worker/api';
import { conductanceMeasures, saeMeasures, type Measure } from '../workload';
import { conductance } from '../../src/core/attribution/conductance';
import { calibrateBatchNorm, resnet50Like } from '../../tests/helpers/architectures';

async function fetchModel(dir: string): Promise<{ exec: Executor; layers: string[]; input: number[]; name: string }> {
  const files = new Map<string, Uint8Array>();
  const json = new Uint8Array(await (await fetch(`${dir}/model.json`)).arrayBuffer());
  files.set('model.json', json);
  const parsed = JSON.parse(new TextDecoder().decode(json)) as { weightsManifest: { paths: string[] }[] };
  for (const p of parsed.weightsManifest.flatMap((g) => g.paths)) files.set(p, new Uint8Array(await (await fetch(`${dir}/${p}`)).arrayBuffer()));
  const card = (await (await fetch(`${dir}/card.json`)).json()) as { name: string; layers: { name: string }[] };
  const loaded = await loadModelFromFiles(files, 'model.json');
  const model = loaded.model as tf.LayersModel;
  return { exec: new Executor(model), layers: card.layers.map((l) => l.name), input: model.inputs[0].shape.slice(1) as number[], name: card.name };
}

interface Options {
  backend: BackendName;
  /** Warm-up runs before each timing (default 1; 0 on the slow backends of a quick run). */
  warm?: number;
  /** WASM threads to ask for (null: tfjs's default, half the logical cores). */
  threads?: number | null;
  model: string;
  images: number;
  steps: number;
  reps: number;
  sae: { kind: 'stsae' | 'topk'; d: number }[];
  saeRows: number;
  saeEpochs: number;
  /** Also time one image of a ResNet-50-shaped model (random calibrated weights) at this size. */
  big?: { size: number; budgetMiB: number };
}

/** Conductance of one 224x224 image on a ResNet-50-shaped model, one block and all 16 blocks. */
async function bigModelMeasures(size: number, budgetMiB: number): Promise<(Measure & { model: string })[]> {
  const calib = tf.randomUniform([2, size, size, 3], 0, 1, 'float32', 11);
  const model = calibrateBatchNorm(resnet50Like({ size, width: 1, classes: 1000 }), calib);
  calib.dispose();
  const exec = new Executor(model);
  const blocks = model.layers.map((l) => l.name).filter((n) => /_block\d+_out$/.test(n));
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 3);
  const rows: (Measure & { model: string })[] = [];
  const name = `ResNet-50-shaped ${size}px (random, ${(model.countParams() / 1e6).toFixed(1)}M parameters)`;
  try {
    const y = exec.predict(x);
    await y.data(); // warm-up: kernels compiled, weights uploaded
    y.dispose();
    for (const [what, layers] of [['one block output (conv4_block6_out)', ['conv4_block6_out']], [`${blocks.length} block outputs`, blocks]] as const) {
      const before = tf.memory().numBytes;
      const t0 = performance.now();
      const info = await tf.profile(async () => {
        await conductance(exec, x, { layers: [...layers], steps: 10, memoryBudgetBytes: budgetMiB * 2 ** 20 });
      });
      const seconds = (performance.now() - t0) / 1000;
      rows.push({ section: 'big model', what: `time per image, ${what}, 10 steps, budget ${budgetMiB} MiB`, value: seconds, unit: 's', model: name });
      rows.push({ section: 'big model', what: `peak tensor memory above the weights, ${what}`, value: (info.peakBytes - before) / 2 ** 20, unit: 'MiB', model: name });
    }
  } finally {
    x.dispose();
    model.dispose();
  }
  return rows;
}

async function run(o: Options): Promise<{ report: unknown; active: string; rows: (Measure & { model: string })[] }> {
  const report = await chooseBackend(o.backend, o.threads ?? null);
  if (report.active !== o.backend) return { report, active: report.active, rows: [] };
  const m = await fetchModel(o.model);
  const rows: (Measure & { model: string })[] = [];
  for (const r of await conductanceMeasures(m.exec, m.input, m.layers, o.images, o.steps, o.reps, o.warm ?? 1)) rows.push({ ...r, model: m.name });
  for (const s of o.sae) for (const r of await saeMeasures(s.kind, o.saeRows, s.d, o.saeEpochs)) rows.push({ ...r, model: m.name });
  if (o.big) rows.push(...(await bigModelMeasures(o.big.size, o.big.budgetMiB)));
  return { report, active: report.active, rows };
}

(window as unknown as { codecBench: typeof run }).codecBench = run;
