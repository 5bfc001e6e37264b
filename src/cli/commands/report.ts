/** `codec report <bundle>`: the per-layer table of every metric (and the sweeps), or JSON. */
import type { BundleManifest } from '../../core/bundle/manifest';
import { parse } from '../args';
import { readBundleFromDisk } from '../bundleFiles';
import { COMPLETENESS_HEADER, completenessCell, completenessLines } from '../completenessReport';
import { saeQualityLines, saeQualityRows } from '../saeQualityReport';

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

export function metricsRows(m: BundleManifest): Record<string, string | number | null>[] {
  return m.layers.map((l) => ({
    layer: l.name,
    shape: l.outputShape.join('x'),
    cut: l.isCut ? 'yes' : 'no',
    completeness: l.metrics?.completenessMedian ?? null,
    completenessP90: l.metrics?.completenessP90 ?? null,
    completenessTinyDF: l.metrics?.completenessTiny ?? null,
    completenessTinyGapMax: l.metrics?.completenessTinyGapMax ?? null,
    completenessSymmetricExtra: l.metrics?.completenessSymmetricMedian ?? null,
    stepsUsedMedian: l.stepsUsed?.length ? [...l.stepsUsed].sort((a, b) => a - b)[l.stepsUsed.length >> 1] : null,
    hoyerContrib: l.metrics?.hoyerContrib ?? null,
    hoyerAct: l.metrics?.hoyerAct ?? null,
    dimContrib: l.metrics?.dimContrib ?? null,
    dimAct: l.metrics?.dimAct ?? null,
    prContrib: l.metrics?.prContrib ?? null,
    prAct: l.metrics?.prAct ?? null,
    pnCorr: l.metrics?.pnCorr ?? null,
    modes: l.metrics?.modesAlive ?? null,
    modesAct: l.metrics?.modesAliveAct ?? null,
    classCorr: l.metrics?.bestClassCorrMedian ?? null,
    classCorrAct: l.metrics?.bestClassCorrMedianAct ?? null,
  }));
}

export function printMetricsTable(m: BundleManifest, out: (s: string) => void = console.log): void {
  out(`| layer | shape | cut | ${COMPLETENESS_HEADER} | Hoyer contrib | Hoyer act | PCs 95% contrib | PCs 95% act | PR contrib | PR act | +/- corr | modes | act modes | class corr (median best) contrib | act |`);
  out(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const [i, r] of metricsRows(m).entries()) {
    out(
      `| ${r.layer} | ${r.shape} | ${r.cut} | ${completenessCell(m.layers[i])} | ${f(r.hoyerContrib as number)} | ${f(r.hoyerAct as number)} | ${r.dimContrib ?? '-'} | ${r.dimAct ?? '-'} | ${f(r.prContrib as number, 1)} | ${f(r.prAct as number, 1)} | ${f(r.pnCorr as number)} | ${r.modes ?? '-'} | ${r.modesAct ?? '-'} | ${f(r.classCorr as number)} | ${f(r.classCorrAct as number)} |`,
    );
  }
  for (const line of completenessLines(m)) out(line);
  for (const line of saeQualityLines(m)) out(line);
  if (m.sweeps?.length) {
    out('');
    out('| layer | source | mode | target class | AUC target | AUC off | selectivity | trials (skipped) |');
    out('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of m.sweeps) out(`| ${s.layer} | ${s.source} | ${s.mode} | ${m.classNames[s.targetClass] ?? s.targetClass} | ${f(s.aucTarget)} | ${f(s.aucOff)} | ${f(s.selectivity)} | ${s.trials} (${s.skippedTrials}) |`);
    const bySource = (src: string) => m.sweeps!.filter((s) => s.source === src && Number.isFinite(s.selectivity)).map((s) => s.selectivity);
    const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : NaN);
    out('');
    out(`mean selectivity (destroy; negative = selective): contribution modes ${f(mean(bySource('contributions')))}, activation modes ${f(mean(bySource('activations')))}`);
  }
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('report', argv, { json: { type: 'boolean' } }, 1);
  const bundle = await readBundleFromDisk(positionals[0]);
  const m = bundle.manifest;
  if (values.json) {
    console.log(JSON.stringify({ model: m.model, settings: m.settings, images: m.images.length, layers: metricsRows(m), saeQuality: saeQualityRows(m), sweeps: m.sweeps ?? [] }, null, 2));
    return 0;
  }
  console.log(`bundle: ${positionals[0]}  model: ${m.model.name ?? m.model.path}  images: ${m.images.length}  method: ${m.settings.method}, target ${m.settings.target}, ${m.settings.stepsAuto ? `steps until converged (cap ${m.settings.steps})` : `${m.settings.steps} steps`}, baseline ${m.settings.baseline}, backend ${m.settings.backend}`);
  if (m.partial) {
    const { index, count, imageRange, totalImages } = m.partial.shard;
    console.log(`shard ${index}/${count}: images ${imageRange[0]}..${imageRange[1] - 1} of ${totalImages}, contributions only (no metrics or SAEs until the shards are joined with codec merge; docs/shards.md)`);
  }
  printMetricsTable(m);
  return 0;
}
