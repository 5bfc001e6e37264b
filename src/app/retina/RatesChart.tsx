/** The picked cell's true (simulator) and student rates over the movie, the play head and the analysed moments (click to jump). */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { ViewMovie } from '../../core/retina/viewBundle';

const W = 800;
const H = 170;
const M = { l: 40, r: 10, t: 10, b: 26 };

export function RatesChart({ movie, cell, t, onTime }: { movie: ViewMovie; cell: number; t: number; onTime: (t: number) => void }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const svg = d3.select(ref.current!);
    svg.selectAll('*').remove();
    const tr = movie.trueRates.map((r) => r[cell]);
    const mr = movie.modelRates.map((r) => r[cell]);
    const x = d3.scaleLinear().domain([0, movie.length - 1]).range([M.l, W - M.r]);
    const y = d3.scaleLinear().domain([0, Math.max(1e-6, d3.max([...tr, ...mr])!) * 1.05]).range([H - M.b, M.t]).nice();
    svg.append('g').attr('transform', `translate(0,${H - M.b})`).call(d3.axisBottom(x).ticks(8));
    svg.append('g').attr('transform', `translate(${M.l},0)`).call(d3.axisLeft(y).ticks(4));
    svg.append('text').attr('x', W - M.r).attr('y', H - 2).attr('text-anchor', 'end').attr('class', 'small').text('frame');
    // Before the first rate the chart is empty by design: say why there, not only in the caption.
    if (movie.times[0] > 0)
      svg
        .append('text')
        .attr('class', 'small muted no-rates')
        .attr('x', x(0) + 6)
        .attr('y', (M.t + H - M.b) / 2)
        .attr('text-anchor', 'start')
        .attr('fill', '#6b7280')
        .text(`no rates before frame ${movie.times[0]}: the model sees 20 frames`)
        .attr('font-size', 10);
    const line = (vals: number[]) => d3.line<number>().x((_, i) => x(movie.times[i])).y((v) => y(v))(vals);
    svg.append('path').attr('class', 'rate-true').attr('d', line(tr)).attr('fill', 'none').attr('stroke', '#111827').attr('stroke-width', 1.6);
    svg.append('path').attr('class', 'rate-model').attr('d', line(mr)).attr('fill', 'none').attr('stroke', '#c2410c').attr('stroke-width', 1.6).attr('stroke-dasharray', '4 2');
    svg
      .selectAll('path.moment')
      .data(movie.moments)
      .join('path')
      .attr('class', 'moment')
      .attr('data-t', (m) => m.t)
      .attr('d', (m) => `M${x(m.t)},${M.t - 2}l-5,-8h10z`)
      .attr('transform', 'translate(0,10)')
      .attr('fill', '#2563eb')
      .style('cursor', 'pointer')
      .on('click', (_, m) => onTime(m.t));
    svg.append('line').attr('class', 'playhead').attr('data-t', t).attr('x1', x(t)).attr('x2', x(t)).attr('y1', M.t).attr('y2', H - M.b).attr('stroke', '#2563eb').style('pointer-events', 'none');
    svg
      .append('rect')
      .attr('x', x(movie.frames.length ? movie.times[0] : 0))
      .attr('y', M.t + 10)
      .attr('width', x(movie.length - 1) - x(movie.times[0]))
      .attr('height', H - M.b - M.t - 10)
      .attr('fill', 'transparent')
      .on('click', (ev: MouseEvent) => {
        const tt = Math.round(x.invert(d3.pointer(ev)[0]));
        onTime(Math.max(movie.times[0], Math.min(movie.length - 1, tt)));
      });
  }, [movie, cell, t, onTime]);
  return (
    <div>
      <svg ref={ref} width={W} height={H} data-testid="retina-rates" data-cell={cell} />
      <div className="small muted">
        <span style={{ color: '#111827' }}>━ true rate (simulator)</span> &nbsp; <span style={{ color: '#c2410c' }}>╍ student CNN</span> &nbsp; <span style={{ color: '#2563eb' }}>▼ analysed moments</span> (click to jump)
      </div>
    </div>
  );
}
