/**
 * Live ablation of the picked mode: a slider for p (the top p% of the layer's channels by the
 * mode's atom) and destroy / preserve. The picked image's top classes are drawn as bars (before as
 * a ghost bar, after as the bar) and follow the slider; the per-class accuracy before / after
 * over a sample of the images is recomputed when the slider is released.
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { AblationResult, AccuracyResult } from '../../worker/api';
import { useApp } from '../context';
import { toCsv } from '../draw/exportFig';
import { useSize } from '../draw/useSize';
import { percentile } from '../store/ablationSlice';
import { className } from '../store/selectors';
import { ExportButtons } from './ExportButtons';
import { Panel, PanelState } from './PanelState';
import { SteerControls } from './SteerControls';

const BEFORE = '#cbd5e1';
const AFTER_DOWN = '#dc2626';
const AFTER_UP = '#2563eb';
const ACC_BEFORE = '#94a3b8';
const ACC_AFTER = '#ea580c';

export function AblationPanel() {
  const analysis = useApp((s) => s.analysis);
  const layer = useApp((s) => s.layer);
  const mode = useApp((s) => s.mode);
  const source = useApp((s) => s.source);
  const abl = useApp((s) => s.ablation);
  const barsSvg = useRef<SVGSVGElement>(null);
  const accSvg = useRef<SVGSVGElement>(null);
  const acc = useApp((s) => s.accuracy);
  const title = (
    <>
      Ablation {mode !== null && <span className="muted">of {source === 'contributions' ? 'contribution' : 'activation'} mode #{mode} at {layer}</span>}
    </>
  );
  return (
    <Panel title={title} testId="panel-ablation" className="ablation-panel">
      {!analysis ? (
        <PanelState kind="empty">Remove a mode's channels and watch the output change: appears with an analysis.</PanelState>
      ) : !analysis.hasModel ? (
        <PanelState kind="empty">This analysis' model could not be loaded, so there is no ablation.</PanelState>
      ) : mode === null ? (
        <PanelState kind="empty">Pick a mode to ablate.</PanelState>
      ) : (
        <div className="ablation-body">
          <div className="abl-controls">
            <AblationControls />
            <SteerControls />
          </div>
          <div className="abl-col">
            <div className="abl-sub">
              <span>
                Image #{abl.data?.image ?? '—'}: top classes <span className="muted">(ghost: before; bar: after)</span>
              </span>
              <ExportButtons name="ablation-image" svg={barsSvg} csv={() => imageCsv(abl.data, analysis.classNames)} title={abl.data ? `Image #${abl.data.image}: class probabilities before (ghost) and after ${abl.data.steer ? `steering (${abl.data.steer.kind} ×${abl.data.steer.factor}) by` : abl.data.kind === 'destroy' ? 'destroying' : 'preserving only'} the top ${abl.data.pct}% (k = ${abl.data.k} of ${abl.data.C}) channels of ${layer} ${source === 'contributions' ? 'contribution' : 'activation'} mode #${abl.data.mode}` : 'Ablation'} />
            </div>
            {abl.status === 'error' ? <PanelState kind="error">{abl.message}</PanelState> : abl.data ? <OutputBars r={abl.data} svgRef={barsSvg} /> : <PanelState kind="loading">Running the network after {layer}…</PanelState>}
            <Latency />
          </div>
          <div className="abl-col">
            <div className="abl-sub">
              <span>
                Accuracy per class {acc.data && <span className="muted">on {acc.data.n} images, {acc.data.steer ? `${acc.data.steer.kind} ×${acc.data.steer.factor}${acc.data.steer.kind === 'scale' ? `, p = ${acc.data.pct}%` : ''}` : `p = ${acc.data.pct}% (${acc.data.kind})`}</span>}
              </span>
              <ExportButtons name="ablation-accuracy" svg={accSvg} csv={() => accuracyCsv(acc.data, analysis.classNames)} title={acc.data ? `Accuracy per class before and after ${acc.data.kind === 'destroy' ? 'destroying' : 'preserving only'} the top ${acc.data.pct}% (k = ${acc.data.k} of ${acc.data.C}) channels of ${acc.data.layer} ${acc.data.source === 'contributions' ? 'contribution' : 'activation'} mode #${acc.data.mode}, on ${acc.data.n} images` : 'Ablation accuracy'} />
            </div>
            {acc.status === 'loading' && <Progress p={acc.progress ?? null} what="accuracy" />}
            {acc.status === 'error' ? <PanelState kind="error">{acc.message}</PanelState> : acc.data ? <AccuracyBars r={acc.data} svgRef={accSvg} stale={acc.status === 'loading'} /> : acc.status !== 'loading' ? <PanelState kind="loading">…</PanelState> : null}
          </div>
        </div>
      )}
    </Panel>
  );
}

function Progress({ p, what }: { p: { done: number; total: number } | null; what: string }) {
  const frac = p && p.total ? p.done / p.total : 0;
  return (
    <div className="abl-progress" data-testid={`progress-${what}`}>
      <div className="progress-bar">
        <div style={{ width: `${(100 * frac).toFixed(1)}%` }} />
      </div>
      <span className="muted">{p ? `${p.done} / ${p.total} images` : 'starting…'}</span>
    </div>
  );
}

function AblationControls() {
  const pct = useApp((s) => s.ablPct);
  const kind = useApp((s) => s.ablKind);
  const setPct = useApp((s) => s.setAblPct);
  const setKind = useApp((s) => s.setAblKind);
  const steering = useApp((s) => s.steerKind !== null);
  const setSteerKind = useApp((s) => s.setSteerKind);
  // Adding an atom direction spans all the atom's channels: p does not apply.
  const adding = useApp((s) => s.steerKind === 'add' && s.source === 'activations');
  const r = useApp((s) => (s.ablation.status !== 'error' ? s.ablation.data : null));
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const commit = (v: number) => {
    if (idle.current) clearTimeout(idle.current);
    setPct(v, true);
  };
  // Fraction actually acted on: k = max(1, floor(p/100 C)).
  const C = r?.C ?? null;
  const k = C ? Math.max(1, Math.floor((pct / 100) * C)) : null;
  return (
    <>
      <span className="seg" role="radiogroup" aria-label="Ablation kind">
        {(['destroy', 'preserve'] as const).map((k2) => (
          <button key={k2} type="button" role="radio" aria-checked={kind === k2 && !steering} className={`small${kind === k2 && !steering ? ' active' : ''}`} data-testid={`abl-kind-${k2}`} onClick={() => (setKind(k2), setSteerKind(null))} title={k2 === 'destroy' ? "Zero the mode's top channels" : "Keep only the mode's top channels (zero the others)"}>
            {k2}
          </button>
        ))}
      </span>
      <label className="abl-slider">
        p
        <input
          type="range"
          min={1}
          max={99}
          step={1}
          value={pct}
          disabled={adding}
          data-testid="abl-pct"
          aria-label="Percent of the layer's channels"
          onChange={(e) => {
            const v = Number(e.target.value);
            setPct(v, false);
            // Keys and programmatic moves have no release: commit after a pause.
            if (idle.current) clearTimeout(idle.current);
            idle.current = setTimeout(() => setPct(v, true), 500);
          }}
          onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
          onTouchEnd={(e) => commit(Number((e.target as HTMLInputElement).value))}
        />
        <span className="abl-pct-value">{pct}%</span>
      </label>
      <span className="abl-fraction" data-testid="abl-fraction" title="k = max(1, floor(p/100 · C)) channels ranked by the mode's atom; k/C is the fraction actually removed">
        {k !== null && C !== null ? (
          <>
            k/C = {k}/{C} = {((100 * k) / C).toFixed(1)}%
          </>
        ) : (
          '…'
        )}
      </span>
    </>
  );
}

function Latency() {
  const ms = useApp((s) => s.ablationMs);
  const r = useApp((s) => s.ablation.data);
  const backend = useApp((s) => s.backend?.active);
  if (!r) return null;
  return (
    <div className="abl-latency muted" data-testid="abl-latency" data-p50={ms.length ? percentile(ms, 50) : undefined} data-p95={ms.length ? percentile(ms, 95) : undefined} data-n={ms.length}>
      update: {r.ms.toFixed(1)} ms in the worker{r.cached ? '' : ' (new pass up to the layer)'}
      {ms.length > 0 && (
        <>
          ; round trip p50 {percentile(ms, 50).toFixed(1)} ms, p95 {percentile(ms, 95).toFixed(1)} ms over {ms.length}
        </>
      )}{' '}
      ({backend})
    </div>
  );
}

/** Top classes of the image: by the larger of before and after, up to 6. */
export function topClasses(r: Pick<AblationResult, 'before' | 'after'>, n = 6): number[] {
  const K = r.before.length;
  return d3
    .range(K)
    .sort((a, b) => Math.max(r.before[b], r.after[b]) - Math.max(r.before[a], r.after[a]) || a - b)
    .slice(0, Math.min(n, K));
}

function OutputBars({ r, svgRef }: { r: AblationResult; svgRef: React.RefObject<SVGSVGElement | null> }) {
  const analysis = useApp((s) => s.analysis);
  const box = useRef<HTMLDivElement>(null);
  const { width } = useSize(box);
  useEffect(() => {
    const el = svgRef.current;
    if (!el || width < 80) return;
    const top = topClasses(r);
    const rowH = 22;
    const margin = { top: 4, right: 110, bottom: 4, left: 96 };
    const W = width;
    const H = margin.top + margin.bottom + rowH * top.length;
    const x = d3.scaleLinear().domain([0, 1]).range([0, Math.max(20, W - margin.left - margin.right)]);
    const root = d3.select(el).attr('width', W).attr('height', H);
    root.selectAll('*').remove();
    const g = root.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
    const rows = g
      .selectAll('g.abl-row')
      .data(top)
      .join('g')
      .attr('class', 'abl-row')
      .attr('data-class', (k) => k)
      .attr('data-before', (k) => r.before[k])
      .attr('data-after', (k) => r.after[k])
      .attr('data-logit-after', (k) => r.logitsAfter[k])
      .attr('transform', (_, i) => `translate(0,${i * rowH})`);
    rows
      .append('text')
      .attr('x', -6)
      .attr('y', rowH / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', 12)
      .attr('fill', '#111827')
      .text((k) => {
        const t = className(analysis, k);
        return t.length > 13 ? t.slice(0, 12) + '…' : t;
      });
    rows.append('rect').attr('class', 'ghost').attr('y', 2).attr('height', rowH - 4).attr('width', (k) => x(r.before[k])).attr('fill', BEFORE);
    rows
      .append('rect')
      .attr('class', 'after')
      .attr('y', 6)
      .attr('height', rowH - 12)
      .attr('width', (k) => x(r.after[k]))
      .attr('fill', (k) => (r.after[k] < r.before[k] ? AFTER_DOWN : AFTER_UP));
    rows
      .append('text')
      .attr('class', 'num')
      .attr('x', x(1) + 6)
      .attr('y', rowH / 2)
      .attr('dy', '0.35em')
      .attr('font-size', 11.5)
      .attr('fill', '#374151')
      .text((k) => `${(100 * r.before[k]).toFixed(1)}% → ${(100 * r.after[k]).toFixed(1)}%`);
    rows.append('title').text((k) => `${className(analysis, k)}: before ${r.before[k].toFixed(4)}, after ${r.after[k].toFixed(4)}`);
    g.append('line').attr('x1', 0).attr('x2', 0).attr('y1', 0).attr('y2', rowH * top.length).attr('stroke', '#9ca3af');
  }, [r, width, analysis, svgRef]);
  const argmax = (p: Float32Array) => p.reduce((b, v, i) => (v > p[b] ? i : b), 0);
  return (
    <div className="abl-bars" ref={box}>
      <svg ref={svgRef} data-testid="abl-bars" data-key={`${r.layer}|${r.source}|${r.mode}|${r.image}|${r.kind}|${r.pct}`} data-steer={r.steer ? `${r.steer.kind}:${r.steer.factor}` : undefined} />
      <div className="abl-verdict" data-testid="abl-verdict">
        predicted {className(analysis, argmax(r.before))} → <b>{className(analysis, argmax(r.after))}</b>
      </div>
    </div>
  );
}

function AccuracyBars({ r, svgRef, stale }: { r: AccuracyResult; svgRef: React.RefObject<SVGSVGElement | null>; stale: boolean }) {
  const analysis = useApp((s) => s.analysis);
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  useEffect(() => {
    const el = svgRef.current;
    if (!el || width < 80) return;
    const K = r.before.length;
    const margin = { top: 18, right: 8, bottom: 58, left: 34 };
    const H = Math.max(150, Math.min(260, height));
    const x = d3.scaleBand<number>().domain(d3.range(K)).range([margin.left, width - margin.right]).padding(0.2);
    const y = d3.scaleLinear().domain([0, 1]).range([H - margin.bottom, margin.top]);
    const root = d3.select(el).attr('width', width).attr('height', H);
    root.selectAll('*').remove();
    root
      .append('g')
      .attr('transform', `translate(${margin.left},0)`)
      .call(d3.axisLeft(y).ticks(4).tickFormat(d3.format('.0%')))
      .attr('font-size', 10);
    const bw = x.bandwidth() / 2;
    const cls = root
      .selectAll('g.acc-class')
      .data(d3.range(K))
      .join('g')
      .attr('class', 'acc-class')
      .attr('data-class', (k) => k)
      .attr('data-before', (k) => r.before[k])
      .attr('data-after', (k) => r.after[k]);
    const h = (v: number) => (Number.isFinite(v) ? y(0) - y(v) : 0);
    cls.append('rect').attr('x', (k) => x(k)!).attr('width', bw).attr('y', (k) => y(0) - h(r.before[k])).attr('height', (k) => h(r.before[k])).attr('fill', ACC_BEFORE);
    cls.append('rect').attr('x', (k) => x(k)! + bw).attr('width', bw).attr('y', (k) => y(0) - h(r.after[k])).attr('height', (k) => h(r.after[k])).attr('fill', ACC_AFTER);
    cls.append('title').text((k) => (r.counts[k] ? `${className(analysis, k)} (${r.counts[k]} images): ${fmtPct(r.before[k])} → ${fmtPct(r.after[k])}` : `${className(analysis, k)}: no image of this class in the sample`));
    // A class with no image in the sample has no accuracy: say so, so it is not read as 0%.
    cls
      .filter((k) => !r.counts[k])
      .append('text')
      .attr('class', 'no-images')
      .attr('x', (k) => x(k)! + bw)
      .attr('y', y(0) - 4)
      .attr('text-anchor', 'middle')
      .attr('font-size', 9)
      .attr('fill', '#6b7280')
      .text('n/a');
    root
      .append('g')
      .attr('transform', `translate(0,${y(0)})`)
      .call(d3.axisBottom(x).tickFormat((k) => {
        const t = className(analysis, k);
        return t.length > 11 ? t.slice(0, 10) + '…' : t;
      }))
      .attr('font-size', 10)
      .selectAll('text')
      .attr('transform', 'rotate(-40)')
      .attr('text-anchor', 'end')
      .attr('dx', '-0.4em')
      .attr('dy', '0.5em');
    const legend = root.append('g').attr('transform', `translate(${margin.left + 4},4)`).attr('font-size', 11);
    legend.append('rect').attr('width', 10).attr('height', 10).attr('fill', ACC_BEFORE);
    legend.append('text').attr('x', 14).attr('y', 9).attr('fill', '#374151').text(`before: ${fmtPct(r.overallBefore)} overall`);
    legend.append('rect').attr('x', 150).attr('width', 10).attr('height', 10).attr('fill', ACC_AFTER);
    legend.append('text').attr('x', 164).attr('y', 9).attr('fill', '#374151').text(`after: ${fmtPct(r.overallAfter)}`);
  }, [r, width, height, analysis, svgRef]);
  return (
    <div className={`abl-acc${stale ? ' stale' : ''}`} ref={box}>
      <svg ref={svgRef} data-testid="abl-accuracy" data-key={`${r.layer}|${r.source}|${r.mode}|${r.kind}|${r.pct}`} data-steer={r.steer ? `${r.steer.kind}:${r.steer.factor}` : undefined} data-overall-before={r.overallBefore} data-overall-after={r.overallAfter} />
      {r.labelsFromPredictions && <div className="muted">No labels: the unablated predictions stand in for them.</div>}
    </div>
  );
}

const fmtPct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');

function imageCsv(r: AblationResult | null, names: string[]): string | null {
  if (!r) return null;
  return toCsv(
    ['image', 'layer', 'source', 'mode', 'kind', 'pct', 'k', 'C', 'fraction', 'class', 'class_name', 'prob_before', 'prob_after', 'logit_after'],
    Array.from(r.before, (_, c) => [r.image, r.layer, r.source, r.mode, r.kind, r.pct, r.k, r.C, r.fraction, c, names[c] ?? String(c), r.before[c], r.after[c], r.logitsAfter[c]]),
  );
}

function accuracyCsv(r: AccuracyResult | null, names: string[]): string | null {
  if (!r) return null;
  return toCsv(
    ['layer', 'source', 'mode', 'kind', 'pct', 'k', 'C', 'fraction', 'class', 'class_name', 'images', 'accuracy_before', 'accuracy_after'],
    Array.from(r.before, (_, c) => [r.layer, r.source, r.mode, r.kind, r.pct, r.k, r.C, r.fraction, c, names[c] ?? String(c), r.counts[c], r.before[c], r.after[c]]),
  );
}
