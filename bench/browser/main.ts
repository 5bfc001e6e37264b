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
  model: string;
  images: number;
  steps: number;
  reps: number;
  sae: { kind: 'stsae' | 'topk'; d: number }[];
  saeRows: number;
  saeEpochs: number;
}

async function run(o: Options): Promise<{ report: unknown; active: string; rows: (Measure & { model: string })[] }> {
  const report = await chooseBackend(o.backend);
  if (report.active !== o.backend) return { report, active: report.active, rows: [] };
  const m = await fetchModel(o.model);
  const rows: (Measure & { model: string })[] = [];
  for (const r of await conductanceMeasures(m.exec, m.input, m.layers, o.images, o.steps, o.reps)) rows.push({ ...r, model: m.name });
  for (const s of o.sae) for (const r of await saeMeasures(s.kind, o.saeRows, s.d, o.saeEpochs)) rows.push({ ...r, model: m.name });
  return { report, active: report.active, rows };
}

(window as unknown as { codecBench: typeof run }).codecBench = run;
