/**
 * `npm run retina:view`: precomputes the app's retina view bundle, public/demo/retina/view.json
 * (format in src/core/retina/viewBundle.ts), from the shipped student and the simulator: one short
 * movie per stimulus family, true and student rates at every frame, and at a few moments per movie,
 * per cell, the true and the student's instantaneous receptive fields (rank-1) and the student's
 * first-layer conductance maps with the cell's rate as target, and the per-cell-rate STSAE's modes
 * active there (the report's STSAE, retrained here with its settings) with their heatmaps.
 * Options: --frames 48 --moments 4 --steps 20 --seed 31 --backend wasm|cpu --model <model.json> --out <file>
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { intOpt, parse } from '../src/cli/args';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend, type NodeBackend } from '../src/cli/nodeBackend';
import { attribute } from '../src/core/attribution/attribute';
import { Executor } from '../src/core/model/executor';
import { contributions } from '../src/core/retina/contributions';
import { familyWindows } from '../src/core/retina/dataset';
import { modelIrf, trueIrf } from '../src/core/retina/groundTruth';
import { trainSae } from '../src/core/sae';
import { irfAgreement, rank1 } from '../src/core/retina/irf';
import { Retina } from '../src/core/retina/simulator';
import { STIMULUS_FAMILIES, makeMovie, windowData, windowTimes } from '../src/core/retina/stimuli';
import { pack, type RetinaViewBundle, type ViewCellMoment, type ViewMovie } from '../src/core/retina/viewBundle';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

async function main(argv: string[]): Promise<number> {
  const { values } = parse('retina-view', argv, {
    frames: { type: 'string' },
    moments: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
  });
  const length = intOpt('retina-view', values, 'frames', 48, 21);
  const nMoments = intOpt('retina-view', values, 'moments', 4, 1);
  const steps = intOpt('retina-view', values, 'steps', 20, 1);
  const seed = intOpt('retina-view', values, 'seed', 31, 0);
  const modelPath = typeof values.model === 'string' ? values.model : 'public/demo/retina/student/model.json';
  const outPath = typeof values.out === 'string' ? values.out : path.join(path.dirname(path.dirname(modelPath)), 'view.json');
  const backend = await useNodeBackend((values.backend as NodeBackend) ?? undefined);
  const { model } = await loadModelFromDisk(modelPath);
  const report = JSON.parse(await fs.readFile(path.join(path.dirname(outPath), 'report.json'), 'utf8'));
  const retina = new Retina();
  const { size, frames } = retina.spec;
  const cells = retina.numCells;
  const exec = new Executor(model);
  const layer = 'relu1';
  const info = exec.layer(layer);
  const mapSize = info.outputShape[1] as number;
  const channels = info.outputShape[info.outputShape.length - 1] as number;
  const typeToChannel: number[] = report.filterMatch.shifted.typeToChannel;
  const channelType = Array.from({ length: channels }, (_, c) => typeToChannel.indexOf(c));
  const per = size * size * frames;
  // The per-cell-rate STSAE of the layer, trained as analyzeRetina trains it (same windows, seed and
  // options as the report's defaults), so its modes are the report's.
  const s = report.settings;
  const cellSet = familyWindows(size, frames, { perFamily: s.cellPerFamily, seed: s.seed + 100 });
  const rc = (await contributions(exec, cellSet.data, cellSet.n, 'per-cell', { layers: s.layers, steps: s.steps, batchSize: 4 })).find((c) => c.name === layer)!;
  const sae = await trainSae(rc.ei, cellSet.n * cells, 2 * channels, { kind: 'stsae', K: s.saeFactor * 2 * channels, tau: s.tau, tauWarmup: s.tauWarmup, tauStart: s.tauStart, maxEpochs: s.saeEpochs, lr: s.saeLr, seed: s.seed });
  const rep = report.layers.find((l: { name: string }) => l.name === layer).rateSae;
  console.error(`retina-view: STSAE ${layer}: ${sae.aliveModes.length} alive, R2 ${sae.r2Global.toFixed(3)} (report: ${rep.alive}, ${rep.r2.toFixed(3)})`);
  const atomSum = Array.from({ length: sae.K }, (_, k) => sae.atoms.subarray(k * sae.d, (k + 1) * sae.d).reduce((a, b) => a + b, 0) * sae.std);
  const netAtom = (k: number) => {
    const a = Array.from({ length: channels }, (_, c) => sae.atoms[k * sae.d + c] + sae.atoms[k * sae.d + channels + c]);
    const nn = Math.hypot(...a) || 1;
    return a.map((v) => v / nn);
  };
  const movies: ViewMovie[] = [];
  for (const family of STIMULUS_FAMILIES) {
    const movie = makeMovie(family, { frames: length, size, seed });
    const times = windowTimes(movie, frames);
    const data = windowData(movie, times, frames);
    const trueR = retina.ratesOf(data, times.length);
    const modelR = tf.tidy(() => (model.predict(tf.tensor4d(data, [times.length, size, size, frames])) as tf.Tensor2D).dataSync() as Float32Array);
    const rows = (a: Float32Array) => times.map((_, i) => Array.from(a.subarray(i * cells, (i + 1) * cells), r4));
    // Moments spread over the movie's valid window ends.
    const mTimes = Array.from({ length: nMoments }, (_, m) => times[Math.round(((m + 0.5) / nMoments) * (times.length - 1))]);
    const mData = windowData(movie, mTimes, frames);
    const x = tf.tensor4d(mData, [mTimes.length, size, size, frames]);
    const perCell: ViewCellMoment[][] = mTimes.map(() => []);
    try {
      for (let c = 0; c < cells; c++) {
        const a = modelIrf(model, x, c);
        const b = trueIrf(retina, x, c);
        const av = a.dataSync() as Float32Array;
        const bv = b.dataSync() as Float32Array;
        tf.dispose([a, b]);
        const xc = x.clone();
        const res = await attribute(exec, xc, { method: 'conductance', layers: [layer], steps, keepMaps: true, target: { kind: 'logit', classIndex: mTimes.map(() => c) } });
        xc.dispose();
        const l = res.layers.get(layer)!;
        const mapLen = mapSize * mapSize * channels;
        const z = sae.encode(l.ei, mTimes.length);
        mTimes.forEach((_, i) => {
          const ma = av.subarray(i * per, (i + 1) * per);
          const tb = bv.subarray(i * per, (i + 1) * per);
          const ra = rank1(ma, frames);
          const rb = rank1(tb, frames);
          const ag = irfAgreement(ma, tb, frames);
          perCell[i].push({
            trueIrf: { spatial: pack(rb.spatial), temporal: Array.from(rb.temporal, r4), explained: r4(rb.explained) },
            modelIrf: { spatial: pack(ra.spatial), temporal: Array.from(ra.temporal, r4), explained: r4(ra.explained) },
            agreement: { full: r4(ag.full), rank1: r4(ag.rank1), spatial: r4(ag.spatial), temporal: r4(ag.temporal) },
            channelNet: Array.from(l.net.subarray(i * channels, (i + 1) * channels), r4),
            channelMaps: pack(l.map!.subarray(i * mapLen, (i + 1) * mapLen)),
            modes: Array.from({ length: sae.K }, (_, k) => ({ k, code: z[i * sae.K + k], share: Math.abs(z[i * sae.K + k] * atomSum[k]) }))
              .filter((m) => m.code > 0)
              .sort((a, b) => b.share - a.share)
              .slice(0, 4)
              .map((m) => {
                const w = netAtom(m.k);
                const cm = l.map!.subarray(i * mapLen, (i + 1) * mapLen);
                const proj = Float32Array.from({ length: mapSize * mapSize }, (_, p) => w.reduce((acc, wc, c) => acc + wc * cm[p * channels + c], 0));
                return { mode: m.k, code: r4(m.code), share: r4(m.share), map: pack(proj) };
              }),
          });
        });
      }
    } finally {
      x.dispose();
    }
    movies.push({ family, seed, length, frames: pack(movie.frames), times, trueRates: rows(trueR), modelRates: rows(modelR), moments: mTimes.map((t, i) => ({ t, cells: perCell[i] })) });
    console.error(`retina-view: ${family} done (${tf.memory().numTensors} tensors)`);
  }
  const bundle: RetinaViewBundle = {
    format: 'codec-retina-view',
    version: 1,
    size,
    frames,
    mapSize,
    layer,
    steps,
    types: retina.spec.bipolar.map((b) => b.id),
    channelType,
    cells: retina.spec.cells.map((c) => ({ id: c.id, cellClass: c.cellClass, inputs: [...c.inputs] })),
    movies,
    sae: { K: sae.K, tau: s.tau, alive: sae.aliveModes.length, r2: r4(sae.r2Global) },
    command: `npm run retina:view -- --frames ${length} --moments ${nMoments} --steps ${steps} --seed ${seed} (backend ${backend})`,
  };
  await fs.writeFile(outPath, JSON.stringify(bundle));
  console.error(`retina-view: wrote ${outPath} (${(JSON.stringify(bundle).length / 1024).toFixed(0)} KiB)`);
  retina.dispose();
  model.dispose();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
