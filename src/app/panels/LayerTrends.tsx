/**
 * Layer trends: Hoyer sparsity, dimensionality (PCA components for 95%) and +/- correlation vs
 * depth, contributions and activations as two lines each; the picked layer is highlighted and a
 * click on a layer picks it. React owns the SVG; D3 draws into it when the data or size change.
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { LayerView } from '../../worker/api';
import { useApp } from '../context';
import { ACT, CONTRIB } from '../draw/colormap';
import { fmt2 } from '../draw/format';
import { useSize } from '../draw/useSize';
import { toCsv } from '../draw/exportFig';
import { ExportButtons } from './ExportButtons';
import { layerCompletenessShort, layerCompletenessText } from './completenessText';
import { NoAnalysis, Panel, PanelState } from './PanelState';

type Metric = { key: string; title: string; tip: string; contrib: (l: LayerView) => number | null; act?: (l: LayerView) => number | null; domain?: [number, number] };

const METRICS: Metric[] = [
  { key: 'hoyer', title: 'Hoyer sparsity', tip: 'Median over images of the Hoyer sparsity of the per-channel vector (1 = one channel, 0 = all equal)', contrib: (l) => l.metrics.hoyerContrib, act: (l) => l.metrics.hoyerAct, domain: [0, 1] },
  { key: 'dim', title: 'Dimensionality', tip: 'PCA components reaching 95% of the variance of the per-image vectors', contrib: (l) => l.metrics.dimContrib, act: (l) => l.metrics.dimAct },
  { key: 'pn', title: '+/− correlation', tip: 'Median over images of the correlation across channels of |negative| and positive contributions', contrib: (l) => l.metrics.pnCorr, domain: [-0.2, 1] },
];

export function LayerTrends() {
  const analysis = useApp((s) => s.analysis);
  const layer = useApp((s) => s.layer);
  const pickLayer = useApp((s) => s.pickLayer);
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const layers = analysis?.layers ?? [];
  return (
    <Panel
      title="Layer trends"
      testId="panel-trends"
      extra={
        layers.length > 0 && (
          <>
            <span className="legend-line" style={{ color: CONTRIB }}>
              ━ contributions
            </span>
            <span className="legend-line" style={{ color: ACT }}>
              ┅ activations
            </span>
            <ExportButtons
              name="layer-trends"
              title="Layer trends: contributions (solid, orange) and activations (dashed, blue) by layer: Hoyer sparsity, dimensionality, +/− correlation"
              svg=".trend-chart"
              csv={() =>
                toCsv(
                  ['layer', 'class', 'channels', 'hoyer_contrib', 'hoyer_act', 'dim_contrib', 'dim_act', 'pn_corr', 'completeness_error_median', 'completeness_error_p90', 'completeness_tiny_dF', 'completeness_symmetric_median_extra'],
                  layers.map((l) => [l.name, l.className, l.channels, l.metrics.hoyerContrib, l.metrics.hoyerAct, l.metrics.dimContrib, l.metrics.dimAct, l.metrics.pnCorr, l.metrics.completenessMedian, l.metrics.completenessP90 ?? null, l.metrics.completenessTiny ?? null, l.metrics.completenessSymmetricMedian ?? null]),
                )
              }
            />
            <select value={layer ?? ''} onChange={(e) => pickLayer(e.target.value)} aria-label="Layer" data-testid="layer-select">
              {layers.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name} ({l.className} {l.outputShape.join('×')})
                </option>
              ))}
            </select>
          </>
        )
      }
    >
      <div
        className="trends"
        ref={box}
        tabIndex={0}
        aria-label="Layer trends: left and right pick the previous or next layer"
        data-testid="trends-keys"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          e.preventDefault();
          const i = layers.findIndex((l) => l.name === layer);
          const j = Math.max(0, Math.min(layers.length - 1, (i < 0 ? 0 : i) + (e.key === 'ArrowRight' ? 1 : -1)));
          if (layers[j]) pickLayer(layers[j].name);
        }}
      >
        {!analysis ? (
          <NoAnalysis>Open the demo or analyze a model to see how sparsity and dimensionality change with depth.</NoAnalysis>
        ) : !layers.some((l) => METRICS.some((m) => [m.contrib(l), m.act?.(l) ?? null].some((v) => v !== null && Number.isFinite(v)))) ? (
          <PanelState kind="error">This analysis has no layer metrics to plot (its bundle holds no Hoyer, dimensionality or +/− correlation values).</PanelState>
        ) : (
          width > 0 && METRICS.map((m) => <TrendChart key={m.key} metric={m} layers={layers} picked={layer} onPick={pickLayer} width={Math.floor(width / 3)} height={height} />)
        )}
      </div>
      {analysis && layers.some((l) => l.name === layer) && (
        <div
          className="small completeness-line"
          style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', fontSize: 11 }}
          data-testid="layer-completeness"
          data-full={layerCompletenessText(layers.find((l) => l.name === layer)!, analysis.settings)}
          title={`${layerCompletenessText(layers.find((l) => l.name === layer)!, analysis.settings)}\n\nAt a cut layer the contributions should sum to ΔF = F(x) − F(x₀); the plain error |ΣC − ΔF| / |ΔF| says how far the path integral is from converged (docs/completeness.md).`}
        >
          {layerCompletenessShort(layers.find((l) => l.name === layer)!, analysis.settings)}
        </div>
      )}
    </Panel>
  );
}

function TrendChart({ metric, layers, picked, onPick, width, height }: { metric: Metric; layers: LayerView[]; picked: string | null; onPick: (l: string) => void; width: number; height: number }) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const el = svg.current;
    if (!el || width < 40 || height < 40) return;
    const m = { top: 18, right: 8, bottom: 34, left: 34 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    const root = d3.select(el);
    root.selectAll('*').remove();
    const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
    const x = d3.scalePoint<string>().domain(layers.map((l) => l.name)).range([0, w]).padding(0.4);
    const vals = layers.flatMap((l) => [metric.contrib(l), metric.act?.(l) ?? null]).filter((v): v is number => v !== null && Number.isFinite(v));
    const ext = d3.extent(vals) as [number, number] | [undefined, undefined];
    const lo = Math.min(metric.domain?.[0] ?? Infinity, ext[0] ?? 0);
    const hi = Math.max(metric.domain?.[1] ?? -Infinity, ext[1] ?? 1);
    const y = d3.scaleLinear().domain([lo, hi === lo ? lo + 1 : hi]).nice().range([h, 0]);
    root.append('text').attr('x', m.left).attr('y', 12).attr('class', 'chart-title').text(metric.title).append('title').text(metric.tip);
    const band = Math.max(12, w / Math.max(1, layers.length));
    // Picked layer band, and a hit area per layer (click picks it).
    g.selectAll('rect.hit')
      .data(layers)
      .join('rect')
      .attr('class', (l) => `hit${l.name === picked ? ' picked' : ''}`)
      .attr('x', (l) => x(l.name)! - band / 2)
      .attr('width', band)
      .attr('y', 0)
      .attr('height', h)
      .attr('data-layer', (l) => l.name)
      .on('click', (_, l) => onPick(l.name))
      .append('title')
      .text((l) => `${l.name} (${l.className} ${l.outputShape.join('×')})\ncontributions: ${fmt2(metric.contrib(l))}${metric.act ? `\nactivations: ${fmt2(metric.act(l))}` : ''}`);
    g.append('g').attr('class', 'axis').attr('transform', `translate(0,${h})`).call(d3.axisBottom(x).tickSizeOuter(0))
      .selectAll('text').attr('transform', layers.length > 4 ? 'rotate(-30)' : null).style('text-anchor', layers.length > 4 ? 'end' : 'middle');
    g.append('g').attr('class', 'axis').call(d3.axisLeft(y).ticks(4).tickSizeOuter(0));
    const series: { color: string; dash: string | null; get: (l: LayerView) => number | null }[] = [{ color: CONTRIB, dash: null, get: metric.contrib }];
    if (metric.act) series.push({ color: ACT, dash: '4 3', get: metric.act });
    for (const s of series) {
      const pts = layers.map((l) => ({ l, v: s.get(l) })).filter((p): p is { l: LayerView; v: number } => p.v !== null && Number.isFinite(p.v));
      if (!pts.length) continue;
      g.append('path')
        .datum(pts)
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', s.dash)
        .attr('d', d3.line<{ l: LayerView; v: number }>().x((p) => x(p.l.name)!).y((p) => y(p.v)));
      g.selectAll(null)
        .data(pts)
        .join('circle')
        .attr('cx', (p) => x(p.l.name)!)
        .attr('cy', (p) => y(p.v))
        .attr('r', (p) => (p.l.name === picked ? 4.5 : 3))
        .attr('fill', s.color)
        .attr('pointer-events', 'none');
    }
    if (!vals.length) g.append('text').attr('x', w / 2).attr('y', h / 2).attr('text-anchor', 'middle').attr('class', 'muted-text').text('not computed');
  }, [metric, layers, picked, onPick, width, height]);
  return <svg ref={svg} width={width} height={height} className="trend-chart" />;
}
