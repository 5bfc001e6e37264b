/**
 * Completeness error |sum C - dF| / |dF| against passes, per integration rule (src/core/attribution/
 * pathRules.ts), on the demo models and a MobileNetV2-shaped model; and the passes each rule needs
 * for a median error <= 5% and <= 1% at every cut layer.
 *
 *   npx tsx bench/completeness.ts [--images 16] [--points 5,9,17,33,65] [--mobilenet-size 64] [--models fashion-cnn,...] [--uniform-share 0.5]
 *   npx tsx bench/completeness.ts --measure [--images 100] [--steps 10,20,40,80,160]   (the demo bundles' settings: uniform trapezoid)
 *
 * bench/run.ts adds completenessRows() (a few images, few points) to its table.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { readImageSetFile } from '../src/cli/imagesetFile';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { summarizeCompleteness, tinyThreshold } from '../src/core/attribution/completeness';
import { RULES, gridSums, ruleSums, uniformGrid, type Rule } from '../src/core/attribution/pathRules';
import { Executor } from '../src/core/model/executor';
import { calibrateBatchNorm, mobileNetV2Like } from '../tests/helpers/architectures';
import { demoModels } from './models';
import type { BenchRow } from './workload';

interface CaseModel {
  name: string;
  exec: Executor;
  cuts: string[];
  x: tf.Tensor;
}

/** The first n demo test images as model input (pixel/255, the demo cards' preprocessing). */
async function fashionImages(n: number): Promise<tf.Tensor> {
  const { header: h, pixels } = await readImageSetFile('public/demo/fashion/test2000.json');
  const per = h.height * h.width * h.channels;
  return tf.tensor4d(Float32Array.from(pixels.subarray(0, n * per), (p) => p / 255), [n, h.height, h.width, h.channels]);
}

export async function caseModels(images: number, mobilenetSize: number, only?: string[]): Promise<CaseModel[]> {
  const out: CaseModel[] = [];
  for (const bm of await demoModels()) {
    if (only && !only.includes(bm.name)) continue;
    const exec = new Executor(bm.model);
    out.push({ name: bm.name, exec, cuts: bm.layers.filter((l) => exec.layer(l).isCut), x: await fashionImages(images) });
  }
  if (!only || only.some((o) => o.startsWith('mobilenet'))) {
    const calib = tf.randomUniform([8, mobilenetSize, mobilenetSize, 3], 0, 1, 'float32', 11);
    const model = calibrateBatchNorm(mobileNetV2Like({ size: mobilenetSize }), calib);
    calib.dispose();
    const exec = new Executor(model);
    out.push({ name: `mobilenetv2-shaped ${mobilenetSize}px`, exec, cuts: ['Conv1_relu', 'block_2_add', 'block_6_project_BN', 'block_12_add'], x: tf.randomUniform([images, mobilenetSize, mobilenetSize, 3], 0, 1, 'float32', 5) });
  }
  return out;
}

export interface RuleCurve {
  model: string;
  rule: Rule;
  /** passes -> the largest (over cut layers) median plain error. */
  errors: { passes: number; worst: number | null; perLayer: Record<string, number | null> }[];
}

/** The plain-error curves of every rule at each number of passes on one model. */
export async function ruleCurves(c: CaseModel, points: number[], uniformShare = 0.5): Promise<RuleCurve[]> {
  const curves: RuleCurve[] = RULES.map((rule) => ({ model: c.name, rule, errors: [] }));
  for (const p of points) {
    const r = await ruleSums(c.exec, c.x, c.cuts, p, { kind: 'logit' }, uniformShare);
    const dF = r.F.map((f, i) => f - r.F0[i]);
    const thr = tinyThreshold(dF);
    for (const cv of curves) {
      const perLayer: Record<string, number | null> = {};
      for (const l of c.cuts) {
        const s = r.sums.get(l)![cv.rule];
        perLayer[l] = s ? summarizeCompleteness(s, dF, null, thr).median : null;
      }
      const vals = Object.values(perLayer);
      cv.errors.push({ passes: p, worst: vals.some((v) => v === null) ? null : Math.max(...(vals as number[])), perLayer });
    }
  }
  return curves;
}

/** The fewest passes in the curve whose worst median error is <= target (null: none reached it). */
export function passesFor(curve: RuleCurve, target: number): number | null {
  return curve.errors.find((e) => e.worst !== null && e.worst <= target)?.passes ?? null;
}

/** Rows for bench/run.ts: a few images and points, so --quick stays quick. */
export async function completenessRows(quick: boolean, backend: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const models = await caseModels(quick ? 4 : 16, quick ? 32 : 64);
  const points = quick ? [9, 17, 33] : [5, 9, 17, 33, 65, 129];
  for (const c of models) {
    for (const cv of await ruleCurves(c, points)) {
      for (const e of cv.errors) if (e.worst !== null) rows.push({ section: 'completeness', model: c.name, backend, what: `${cv.rule}, ${e.passes} passes: worst cut-layer median |sum C - dF|/|dF|`, value: e.worst, unit: '' } as BenchRow);
      for (const t of [0.05, 0.01]) rows.push({ section: 'completeness', model: c.name, backend, what: `${cv.rule}: passes for median error <= ${t * 100}% at every cut (of ${points.join('/')}; 0 = none)`, value: passesFor(cv, t) ?? 0, unit: 'passes' } as BenchRow);
    }
    c.x.dispose();
  }
  return rows;
}

/** The demo bundles' settings (uniform trapezoid, zeros baseline, logit of the predicted class) at several step counts. */
async function measure(images: number, steps: number[], only?: string[]) {
  for (const c of await caseModels(images, 32, only ?? ['fashion-cnn', 'fashion-resnet'])) {
    console.log(`\n## ${c.name}: ${images} images, cut layers ${c.cuts.join(', ')}`);
    console.log(`| steps | ${c.cuts.map((l) => `${l} median (p90, <=5%)`).join(' | ')} | tiny dF | seconds |`);
    console.log(`| --- | ${c.cuts.map(() => '---').join(' | ')} | --- | --- |`);
    for (const s of steps) {
      const t0 = Date.now();
      const cells: string[] = [];
      let tiny = 0;
      // Batches of 25 images keep one pass's tensors small.
      const totals = new Map(c.cuts.map((l) => [l, new Float64Array(images)]));
      const dF = new Float32Array(images);
      for (let i = 0; i < images; i += 25) {
        const xi = c.x.slice(i, Math.min(25, images - i));
        const r = await gridSums(c.exec, xi, c.cuts, uniformGrid(s + 1));
        for (const l of c.cuts) totals.get(l)!.set(r.sums.get(l)!.trapezoid!, i);
        dF.set(r.F.map((f, k) => f - r.F0[k]), i);
        xi.dispose();
      }
      for (const l of c.cuts) {
        const sm = summarizeCompleteness(totals.get(l)!, dF);
        tiny = sm.tinyCount;
        cells.push(`${sm.median?.toFixed(4)} (${sm.p90?.toFixed(3)}, ${((sm.under5 ?? 0) * 100).toFixed(0)}%)`);
      }
      console.log(`| ${s} | ${cells.join(' | ')} | ${tiny} | ${((Date.now() - t0) / 1000).toFixed(1)} |`);
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (k: string) => {
    const i = args.indexOf(`--${k}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  await useNodeBackend('wasm');
  console.log(`${os.cpus()[0]?.model} x${os.cpus().length}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
  const only = opt('models')?.split(',');
  if (args.includes('--measure')) {
    await measure(Number(opt('images') ?? 100), (opt('steps') ?? '10,20,40,80,160').split(',').map(Number), only);
  } else {
    const points = (opt('points') ?? '5,9,17,33,65').split(',').map(Number);
    for (const c of await caseModels(Number(opt('images') ?? 16), Number(opt('mobilenet-size') ?? 64), only)) {
      console.log(`\n## ${c.name} (${c.x.shape[0]} images; cut layers ${c.cuts.join(', ')}): worst cut-layer median plain error`);
      console.log(`| rule | ${points.map((p) => `${p} passes`).join(' | ')} | passes for 5% | for 1% |`);
      console.log(`| --- | ${points.map(() => '---').join(' | ')} | --- | --- |`);
      for (const cv of await ruleCurves(c, points, Number(opt('uniform-share') ?? 0.5))) {
        console.log(`| ${cv.rule} | ${cv.errors.map((e) => (e.worst === null ? '-' : e.worst.toFixed(4))).join(' | ')} | ${passesFor(cv, 0.05) ?? `>${points.at(-1)}`} | ${passesFor(cv, 0.01) ?? `>${points.at(-1)}`} |`);
      }
    }
  }
  console.log(`load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

if (process.argv[1]?.endsWith('completeness.ts')) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
