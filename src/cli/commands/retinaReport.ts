/**
 * `npm run codec -- retina-report [--json]`: CODEC on the shipped retina student against the
 * simulator's ground truth (issue 7). Loads public/demo/retina/student/model.json (or --model),
 * runs analyzeRetina and prints the scores (or the whole result as JSON with --json).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { analyzeRetina, type RetinaAnalysis } from '../../core/retina/analysis';
import { Retina } from '../../core/retina/simulator';
import { intOpt, parse, progressLine } from '../args';
import { loadModelFromDisk } from '../modelFiles';
import { useNodeBackend, type NodeBackend } from '../nodeBackend';

const HELP = `usage: npm run codec -- retina-report [options]
  --model <model.json>     the student (default public/demo/retina/student/model.json)
  --json                   print the whole result as JSON
  --per-family <n>         windows per stimulus family, surprisal target (default 40)
  --cell-per-family <n>    windows per family, per-cell-rate target (default 16)
  --irf-per-family <n>     moments per family for the IRF comparison (default 4)
  --steps <n>              conductance steps (default 20)
  --sae-epochs <n>         most STSAE epochs (default 150)
  --tau-warmup <n>         epochs over which the STSAE threshold rises from 0.5 to 0.9 (default 60; 0 = off)
  --seed <n>               seed of the analysis stimuli and SAEs (default 4242)
  --backend wasm|cpu       (default wasm)`;

export async function retinaReport(argv: string[]): Promise<number> {
  const { values } = parse('retina-report', argv, {
    model: { type: 'string' },
    json: { type: 'boolean' },
    'per-family': { type: 'string' },
    'cell-per-family': { type: 'string' },
    'irf-per-family': { type: 'string' },
    steps: { type: 'string' },
    'sae-epochs': { type: 'string' },
    'tau-warmup': { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const modelPath = typeof values.model === 'string' ? values.model : 'public/demo/retina/student/model.json';
  await useNodeBackend((values.backend as NodeBackend) ?? undefined);
  const { model } = await loadModelFromDisk(modelPath);
  const card = await readCard(path.join(path.dirname(modelPath), 'card.json'));
  const retina = new Retina();
  const bar = progressLine('retina-report');
  try {
    const res = await analyzeRetina(model, retina, {
      perFamily: intOpt('retina-report', values, 'per-family', 40, 1),
      cellPerFamily: intOpt('retina-report', values, 'cell-per-family', 16, 1),
      irfPerFamily: intOpt('retina-report', values, 'irf-per-family', 4, 1),
      steps: intOpt('retina-report', values, 'steps', 20, 1),
      saeEpochs: intOpt('retina-report', values, 'sae-epochs', 150, 1),
      tauWarmup: intOpt('retina-report', values, 'tau-warmup', 60, 0),
      seed: intOpt('retina-report', values, 'seed', 4242, 0),
      onProgress: (stage, done, total) => bar(done, total, stage),
    });
    if (values.json) console.log(JSON.stringify({ model: modelPath, heldOutCorrelation: card?.heldOutCorrelation ?? null, ...res }, null, 2));
    else console.log(formatReport(res, modelPath, card?.heldOutCorrelation?.mean));
    return 0;
  } finally {
    retina.dispose();
    model.dispose();
  }
}

async function readCard(file: string): Promise<{ heldOutCorrelation?: { mean: number } } | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const pad = (s: string, n: number) => s.padEnd(n);

/** The report as text: one block per score. */
export function formatReport(r: RetinaAnalysis, modelPath: string, heldOut?: number): string {
  const lines: string[] = [];
  const cellName = (c: number) => r.cells[c].id;
  lines.push(`Retina report: ${modelPath}${heldOut !== undefined ? ` (held-out correlation with true rates ${f2(heldOut)}, from its card)` : ''}`);
  lines.push(`cells: ${r.cells.map((c) => `${c.id} ${c.cellClass}`).join('; ')}`);
  const { shifted, unshifted, separable, maxShift } = r.filterMatch;
  lines.push('', `(1) Planted bipolar types vs first-layer channels (Hungarian on filter cosines, shifts up to ${maxShift} px):`);
  lines.push(`    ${pad('type', 10)} ${pad('channel', 8)} ${pad('cosine', 7)} ${pad('unshifted', 10)} separable part (channel)`);
  r.types.forEach((t, j) => lines.push(`    ${pad(t, 10)} ${pad(String(shifted.typeToChannel[j]), 8)} ${pad(f2(shifted.matched[j]), 7)} ${pad(f2(unshifted.matched[j]), 10)} ${f2(separable.matched[j])} (${separable.typeToChannel[j]})`));
  lines.push(`    recovered with cosine >= 0.8: ${shifted.recovered} of ${r.types.length} (unshifted: ${unshifted.recovered}; rank-1 separable part of the filters: ${separable.recovered})`);
  for (const l of r.layers) {
    lines.push('', `Layer ${l.name} (${l.channels} channels): completeness error median ${f2(l.completeness.surprisal)} (surprisal), ${f2(l.completeness.rate)} (rates)`);
    const sae = (s: RetinaAnalysis['layers'][number]['rateSae']) => `K ${s.K}, tau ${s.tau}${s.deadAtTau ? ` (all modes dead at tau ${r.settings.tau})` : r.settings.tauWarmup > 0 ? ` (threshold from ${r.settings.tauStart} over ${r.settings.tauWarmup} epochs)` : ''}, alive ${s.alive}, R2 ${f2(s.r2)}`;
    lines.push(`    STSAE surprisal: ${sae(l.surprisalSae)}; per-cell rate: ${sae(l.rateSae)}`);
    if (l.modeWiring) {
      lines.push(`    (2) each cell's top-3 modes in type space vs the planted weights of the cells they drive: usage-weighted mean |cosine| ${f2(l.modeWiringMean ?? NaN)}`);
      for (const w of l.modeWiring.slice(0, 8)) {
        lines.push(`        mode ${pad(String(w.mode), 4)} drives ${pad(w.drives.map(cellName).join(','), 12)} types [${w.typeWeights.map(f2).join(' ')}]  |cosine| ${f2(w.cosine)}${w.signed < 0 ? ' (a decrease)' : ''}`);
      }
      lines.push(`        each cell's mean contribution profile vs its planted weights: ${(l.cellWiring ?? []).map((v, c) => `${cellName(c)} ${f2(v)}`).join(', ')}`);
    }
    lines.push(`    (3) cells clustered by mode use: [${l.clusters.join(' ')}] vs planted classes: adjusted Rand index ${f2(l.ari)}`);
    lines.push(`    modes driving each cell per family (top 3 by mean share of the rate change):`);
    l.familyModes.forEach((fm, c) => lines.push(`        ${pad(cellName(c), 4)} ${Object.entries(fm).map(([fam, ms]) => `${fam}: ${ms.map((m) => m.mode).join(',') || '-'}`).join('; ')}`));
  }
  lines.push('', `(4) Instantaneous receptive fields, student vs simulator gradient (mean over ${r.irf.moments} moments):`);
  lines.push(`    ${pad('cell', 6)} ${pad('full', 6)} ${pad('rank-1', 7)} ${pad('space', 6)} time`);
  r.irf.perCell.forEach((a, c) => lines.push(`    ${pad(cellName(c), 6)} ${pad(f2(a.full), 6)} ${pad(f2(a.rank1), 7)} ${pad(f2(a.spatial), 6)} ${f2(a.temporal)}`));
  lines.push(`    by family (full cosine): ${Object.entries(r.irf.perFamily).map(([f, a]) => `${f} ${f2(a.full)}`).join(', ')}`);
  return lines.join('\n');
}
