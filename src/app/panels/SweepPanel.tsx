/**
 * Ablation sweep of the picked contribution mode (reference protocol, DESIGN.md section 3):
 * accuracy ratio (after / before) against k/C, the fraction of channels actually removed, for the
 * mode's target class and for off-target classes, beside the closest activation mode's; AUC and
 * selectivity printed. From the bundle when it holds the sweep, else computed in the worker.
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { SweepCurve, SweepView } from '../../worker/api';
import { useApp, useController } from '../context';
import { toCsv } from '../draw/exportFig';
import { useSize } from '../draw/useSize';
import { className } from '../store/selectors';
import { ExportButtons } from './ExportButtons';
import { Panel, PanelState } from './PanelState';

const COL = { contributions: '#ea580c', activations: '#2563eb' };

export function SweepPanel() {
  const analysis = useApp((s) => s.analysis);
  const sweep = useApp((s) => s.sweep);
  const source = useApp((s) => s.source);
  const mode = useApp((s) => s.mode);
  const controller = useController();
  const svg = useRef<SVGSVGElement>(null);
  const data = sweep.status === 'ready' ? sweep.data : null;
  const has = data && data.contribution;
  return (
    <Panel
      title={<>Sweep {mode !== null && source === 'contributions' && <span className="muted">of mode #{mode}</span>}</>}
      testId="panel-sweep"
      className="sweep-panel"
      extra={has ? <ExportButtons name="sweep" svg={svg} csv={() => sweepCsv(data)} title={`Sweep of ${data.layer} mode #${data.contribution!.mode}: accuracy ratio against the fraction of channels removed, target class vs the others`} /> : null}
    >
      {!analysis ? (
        <PanelState kind="empty">Accuracy vs the fraction of channels removed: appears with an analysis.</PanelState>
      ) : source !== 'contributions' ? (
        <PanelState kind="empty">Sweeps are drawn for contribution modes (with their closest activation mode); pick a contribution mode.</PanelState>
      ) : sweep.status === 'error' ? (
        <PanelState kind="error">{sweep.message}</PanelState>
      ) : sweep.status === 'loading' ? (
        <div className="sweep-wait">
          <PanelState kind="loading">{sweep.progress ? `Computing the sweep: ${sweep.progress.done} / ${sweep.progress.total} image passes` : 'Loading…'}</PanelState>
          {sweep.progress && (
            <div className="progress-bar" data-testid="progress-sweep">
              <div style={{ width: `${((100 * sweep.progress.done) / Math.max(1, sweep.progress.total)).toFixed(1)}%` }} />
            </div>
          )}
        </div>
      ) : data && !data.contribution ? (
        <PanelState kind="empty">
          <span>
            The bundle holds no sweep of this mode.{' '}
            <SweptModes v={data} />
            {analysis.hasModel ? (
              <button type="button" className="small" data-testid="sweep-compute" onClick={() => controller.requestSweep(true)}>
                Compute it here
              </button>
            ) : (
              'Its model is not loaded, so it cannot be computed here.'
            )}
          </span>
        </PanelState>
      ) : has ? (
        <SweepChart v={data} svgRef={svg} />
      ) : (
        <PanelState kind="loading">…</PanelState>
      )}
    </Panel>
  );
}

/** The modes the bundle has sweeps of: a click picks one. */
function SweptModes({ v }: { v: SweepView }) {
  const analysis = useApp((s) => s.analysis);
  const pickMode = useApp((s) => s.pickMode);
  if (!v.swept.length) return null;
  return (
    <span className="swept" data-testid="swept-modes">
      Swept in the bundle:{' '}
      {v.swept.map((w) => (
        <button key={w.mode} type="button" className="small link" onClick={() => pickMode(w.mode, 'contributions')} title={`Pick mode #${w.mode} (top mode of ${className(analysis, w.targetClass)})`}>
          #{w.mode} {className(analysis, w.targetClass)}
        </button>
      ))}
      <br />
    </span>
  );
}

function SweepChart({ v, svgRef }: { v: SweepView; svgRef: React.RefObject<SVGSVGElement | null> }) {
  const analysis = useApp((s) => s.analysis);
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const curves = [v.contribution, v.activation].filter((c): c is SweepCurve => c !== null);
  // Drawn with the contribution mode on top.
  const drawOrder = [...curves].reverse();
  useEffect(() => {
    const el = svgRef.current;
    if (!el || width < 80 || height < 60) return;
    // Right margin: room for the last tick label, "100%", centred on the axis' end.
    const margin = { top: 10, right: 18, bottom: 30, left: 38 };
    const yMax = Math.max(1.05, d3.max(curves.flatMap((c) => [...c.targetRatio, ...c.offRatio]).filter(Number.isFinite)) ?? 1);
    const x = d3.scaleLinear().domain([0, 1]).range([margin.left, width - margin.right]);
    const y = d3.scaleLinear().domain([0, yMax]).nice().range([height - margin.bottom, margin.top]);
    const root = d3.select(el).attr('width', width).attr('height', height);
    root.selectAll('*').remove();
    root.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(5).tickFormat(d3.format('.0%'))).attr('font-size', 10);
    root.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(5)).attr('font-size', 10);
    root.append('text').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 2).attr('text-anchor', 'middle').attr('font-size', 10.5).attr('fill', '#4b5563').text('fraction of channels removed, k/C');
    root.append('text').attr('transform', `translate(10,${(height - margin.bottom + margin.top) / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('font-size', 10.5).attr('fill', '#4b5563').text('accuracy ratio');
    root.append('line').attr('x1', x(0)).attr('x2', x(1)).attr('y1', y(1)).attr('y2', y(1)).attr('stroke', '#d1d5db').attr('stroke-dasharray', '2,3');
    for (const c of drawOrder) {
      for (const which of ['target', 'off'] as const) {
        const ys = which === 'target' ? c.targetRatio : c.offRatio;
        const pts = c.fractions.map((f, i) => [f, ys[i]] as [number, number]).filter((p) => Number.isFinite(p[1]));
        const line = d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
        const g = root.append('g').attr('class', `sweep-line ${c.source} ${which}`).attr('data-source', c.source).attr('data-which', which);
        g.append('path').attr('d', line(pts)).attr('fill', 'none').attr('stroke', COL[c.source]).attr('stroke-width', which === 'target' ? 2 : 1.5).attr('stroke-dasharray', which === 'target' ? null : '5,3');
        g.selectAll('circle').data(pts).join('circle').attr('cx', (p) => x(p[0])).attr('cy', (p) => y(p[1])).attr('r', 2.5).attr('fill', which === 'target' ? COL[c.source] : '#fff').attr('stroke', COL[c.source]);
      }
    }
  }, [v, width, height, svgRef, curves, drawOrder]);
  return (
    <div className="sweep">
      <div className="sweep-chart" ref={box}>
        <svg ref={svgRef} data-testid="sweep-chart" data-origin={v.origin} />
      </div>
      <table className="sweep-table" data-testid="sweep-table">
        <thead>
          <tr>
            <th />
            <th>mode</th>
            <th title="Area under the target class' accuracy ratio over p">AUC target</th>
            <th title="Area under the off-target classes' ratio">AUC off</th>
            <th title="(AUC target − AUC off) / AUC off">selectivity</th>
          </tr>
        </thead>
        <tbody>
          {curves.map((c) => (
            <tr key={c.source} data-source={c.source}>
              <td>
                <span className="swatch" style={{ background: COL[c.source] }} /> {c.source === 'contributions' ? 'contribution' : 'closest activation'}
              </td>
              <td>#{c.mode}</td>
              <td>{c.aucTarget.toFixed(3)}</td>
              <td>{c.aucOff.toFixed(3)}</td>
              <td className="sel">{Number.isFinite(c.selectivity) ? c.selectivity.toFixed(3) : 'n/a'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted sweep-note">
        solid: target class ({className(analysis, curves[0]?.targetClass)}); dashed: off-target · {v.origin === 'bundle' ? 'from the bundle' : 'computed here'} · {curves[0]?.trials ?? 0} trials
        {curves[0]?.skippedTrials ? `, ${curves[0].skippedTrials} skipped` : ''}
      </div>
    </div>
  );
}

function sweepCsv(v: SweepView | null): string | null {
  if (!v) return null;
  const rows: (string | number)[][] = [];
  for (const c of [v.contribution, v.activation]) if (c) c.pcts.forEach((p, i) => rows.push([v.layer, c.source, c.mode, c.targetClass, c.kind, p, c.fractions[i], c.targetRatio[i], c.offRatio[i], c.aucTarget, c.aucOff, c.selectivity]));
  return toCsv(['layer', 'source', 'mode', 'target_class', 'kind', 'pct', 'fraction', 'target_ratio', 'off_ratio', 'auc_target', 'auc_off', 'selectivity'], rows);
}
