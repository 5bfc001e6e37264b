/**
 * `npm run train:retina` (meanwhile `npx tsx scripts/train-retina.ts`): simulates recordings from
 * the model retina, fits the student CNN on Poisson spikes, and writes to public/demo/retina/:
 *   student/model.json + group1-shard1of1.bin   the fitted student
 *   student/card.json                           cells, layers to analyse, held-out correlation, how it was made
 *   groundTruth.json                            the planted wiring (retinaGroundTruth)
 * Options: --epochs 30 (at most) --movies 80 --frames 400 --seed 1 --budget 1080 (seconds; the learning rate
 * follows a cosine over it) --l2-first 0.1 --backend wasm|cpu --out <dir>
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { intOpt, numOpt, parse } from '../src/cli/args';
import { useNodeBackend, type NodeBackend } from '../src/cli/nodeBackend';
import { DEFAULT_MIX, HELD_OUT_SET, makeDataset } from '../src/core/retina/dataset';
import { retinaGroundTruth } from '../src/core/retina/groundTruth';
import { Retina } from '../src/core/retina/simulator';
import { STUDENT_LAYERS, buildStudent, studentFilters } from '../src/core/retina/student';
import { bipolarFilter } from '../src/core/retina/bipolar';
import { matchFilters } from '../src/core/retina/matching';
import { trainStudent } from '../src/core/retina/train';


async function main(argv: string[]): Promise<number> {
  const { values } = parse('train-retina', argv, {
    epochs: { type: 'string' },
    movies: { type: 'string' },
    frames: { type: 'string' },
    seed: { type: 'string' },
    budget: { type: 'string' },
    'l2-first': { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
  });
  const epochs = intOpt('train-retina', values, 'epochs', 30, 1);
  const movies = intOpt('train-retina', values, 'movies', 80, 5);
  const l2First = numOpt('train-retina', values, 'l2-first', 0.1);
  const frames = intOpt('train-retina', values, 'frames', 400, 40);
  const seed = intOpt('train-retina', values, 'seed', 1, 0);
  const budget = intOpt('train-retina', values, 'budget', 1080, 1);
  const out = typeof values.out === 'string' ? values.out : 'public/demo/retina';
  const backend = await useNodeBackend((values.backend as NodeBackend) ?? 'wasm');
  const t0 = Date.now();
  const retina = new Retina();
  const train = makeDataset(retina, { movies, frames, seed });
  const heldOut = makeDataset(retina, HELD_OUT_SET);
  console.error(`[train-retina] ${backend}: ${train.n} training windows, ${heldOut.n} held out (${((Date.now() - t0) / 1000).toFixed(1)} s to simulate)`);
  const model = buildStudent({ cells: retina.numCells, seed, l2First });
  const t1 = Date.now();
  const history = await trainStudent(model, train, heldOut, {
    epochs,
    seed,
    timeBudgetSeconds: budget,
    onEpoch: (e) =>
      console.error(`[train-retina] epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, held-out r ${e.heldOut.toFixed(3)} [${e.perCell.map((c) => c.toFixed(2)).join(' ')}], bipolar filter match [${filterMatch(model, retina).join(' ')}] ${e.seconds.toFixed(0)} s`),
  });
  const seconds = (Date.now() - t1) / 1000;
  const best = history.reduce((a, b) => (b.heldOut > a.heldOut ? b : a));
  await fs.mkdir(path.join(out, 'student'), { recursive: true });
  await saveModel(model, path.join(out, 'student'));
  const gt = retinaGroundTruth(retina.spec);
  const card = {
    name: 'retina-student',
    description: 'Student CNN fit to the simulated retina (src/core/retina): conv 8@9x9 over 20 frames, BatchNorm, Gaussian noise, ReLU, conv 8@7x7 ReLU, dense softplus; Poisson loss on simulated spikes.',
    input: { shape: [retina.spec.size, retina.spec.size, retina.spec.frames], layout: gt.layout, units: 'contrast in [-1, 1]' },
    cells: retina.spec.cells.map((c) => ({ id: c.id, cellClass: c.cellClass })),
    layers: [...STUDENT_LAYERS],
    output: { name: 'rates', units: 'spikes per frame' },
    heldOutCorrelation: { mean: round(best.heldOut), perCell: best.perCell.map(round), set: { ...HELD_OUT_SET, mix: DEFAULT_MIX } },
    training: { backend, seconds: Math.round(seconds), budgetSeconds: budget, l2First, epochs: history.length, bestEpoch: best.epoch, windows: train.n, movies, frames, seed, mix: DEFAULT_MIX, history: history.map((h) => ({ epoch: h.epoch, loss: round(h.loss), heldOut: round(h.heldOut) })) },
    groundTruth: '../groundTruth.json',
  };
  await fs.writeFile(path.join(out, 'student', 'card.json'), JSON.stringify(card, null, 2) + '\n');
  await fs.writeFile(path.join(out, 'groundTruth.json'), JSON.stringify(gt, null, 2) + '\n');
  console.log(`train-retina: held-out correlation ${best.heldOut.toFixed(3)} (epoch ${best.epoch}), ${seconds.toFixed(0)} s on ${backend}; wrote ${out}/student and ${out}/groundTruth.json`);
  retina.dispose();
  return 0;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** Matched cosines of the planted bipolar filters with the first layer's (shifts up to 2 px), for the log. */
function filterMatch(model: tf.LayersModel, retina: Retina): string[] {
  const { kernelSize: k, frames } = retina.spec;
  const planted = new Float32Array(retina.spec.bipolar.length * k * k * frames);
  retina.spec.bipolar.forEach((b, j) => planted.set(bipolarFilter(b, k, frames), j * k * k * frames));
  return matchFilters(planted, studentFilters(model).filters, { size: k, frames, maxShift: 2 }).matched.map((v) => v.toFixed(2));
}

/** Writes model.json + one weight shard into `dir` (tfjs' own artifacts, through a save handler). */
async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const shard = 'group1-shard1of1.bin';
      const json = { format: 'layers-model', generatedBy: 'scripts/train-retina.ts', modelTopology: a.modelTopology, weightsManifest: [{ paths: [shard], weights: a.weightSpecs }] };
      await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await fs.writeFile(path.join(dir, shard), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`train-retina: ${(e as Error).message.split('\n')[0]}`);
      process.exit(1);
    },
  );
}
