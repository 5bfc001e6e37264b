/** The picked cell's instantaneous receptive field at a moment: rank-1 space and time factors, student vs simulator, and their cosines. */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef } from 'react';
import { unpack, type ViewCellMoment } from '../../core/retina/viewBundle';
import { f2 } from './format';
import { MapCanvas } from './MapCanvas';

export function IrfPanel({ m, size, frames, reportMean }: { m: ViewCellMoment; size: number; frames: number; reportMean: number }) {
  const ts = useMemo(() => unpack(m.trueIrf.spatial), [m]);
  const ms = useMemo(() => unpack(m.modelIrf.spatial), [m]);
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const W = 190;
    const H = 120;
    const svg = d3.select(ref.current!);
    svg.selectAll('*').remove();
    const x = d3.scaleLinear().domain([-(frames - 1), 0]).range([30, W - 6]);
    const all = [...m.trueIrf.temporal, ...m.modelIrf.temporal];
    const e = Math.max(1e-6, d3.max(all, (v) => Math.abs(v))!);
    const y = d3.scaleLinear().domain([-e, e]).range([H - 20, 6]);
    svg.append('g').attr('transform', `translate(0,${H - 20})`).call(d3.axisBottom(x).ticks(5));
    svg.append('line').attr('x1', 30).attr('x2', W - 6).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#d1d5db');
    const line = (v: number[]) => d3.line<number>().x((_, k) => x(k - (frames - 1))).y((u) => y(u))(v);
    svg.append('path').attr('d', line(m.trueIrf.temporal)).attr('fill', 'none').attr('stroke', '#111827').attr('stroke-width', 1.6);
    svg.append('path').attr('d', line(m.modelIrf.temporal)).attr('fill', 'none').attr('stroke', '#c2410c').attr('stroke-width', 1.6).attr('stroke-dasharray', '4 2');
  }, [m, frames]);
  const ag = m.agreement;
  return (
    <div className="retina-irf">
      <div className="retina-row">
        <figure>
          <MapCanvas values={ts} w={size} h={size} maxAbs={m.trueIrf.spatial.scale} px={5} testId="irf-true" />
          <figcaption className="small">simulator (tf.grad)<br />{(m.trueIrf.explained * 100).toFixed(0)}% rank-1</figcaption>
        </figure>
        <figure>
          <MapCanvas values={ms} w={size} h={size} maxAbs={m.modelIrf.spatial.scale} px={5} testId="irf-model" />
          <figcaption className="small">student CNN<br />{(m.modelIrf.explained * 100).toFixed(0)}% rank-1</figcaption>
        </figure>
        <figure>
          <svg ref={ref} width={190} height={120} />
          <figcaption className="small">time factor (frames before now)<br />━ simulator ╍ student</figcaption>
        </figure>
      </div>
      <div className="small" data-testid="irf-agreement" data-full={ag.full} data-rank1={ag.rank1} data-spatial={ag.spatial} data-temporal={ag.temporal}>
        cosine at this moment: full {f2(ag.full)}, rank-1 {f2(ag.rank1)}, space {f2(ag.spatial)}, time {f2(ag.temporal)}; <span className="muted">report mean over its moments: full </span>
        <span data-testid="irf-report-mean">{f2(reportMean)}</span>
      </div>
    </div>
  );
}
