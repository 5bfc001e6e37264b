/**
 * The live SAE loss curve in the progress bar: train (solid) and validation (dashed) loss per
 * epoch, one pair of lines per layer and source, log scale, redrawn as epochs arrive. After the
 * analysis each dictionary's curve stays in the mode grid's dictionary line.
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import { useApp } from '../context';

const W = 220;
const H = 64;
const M = { l: 30, r: 4, t: 4, b: 12 };

export function LiveLossCurve() {
  const curves = useApp((s) => (s.job.kind === 'analyzing' ? s.job.curves : undefined));
  const svg = useRef<SVGSVGElement>(null);
  const entries = Object.entries(curves ?? {});
  const last = entries.at(-1);
  useEffect(() => {
    const root = d3.select(svg.current);
    root.selectAll('*').remove();
    if (!last) return;
    const [, c] = last;
    const all = [...c.train, ...c.val].filter((v) => Number.isFinite(v) && v > 0);
    if (!all.length) return;
    const n = Math.max(c.train.length, 2);
    const x = d3.scaleLinear().domain([1, n]).range([M.l, W - M.r]);
    const lo = d3.min(all)!;
    const hi = d3.max(all)!;
    const y = d3.scaleLog().domain([lo, hi > lo ? hi : lo * 1.01]).range([H - M.b, M.t]).clamp(true);
    const line = d3.line<number>().defined((v) => Number.isFinite(v) && v > 0).x((_, i) => x(i + 1)).y((v) => y(v));
    root.append('g').attr('class', 'axis').attr('transform', `translate(${M.l},0)`).call(d3.axisLeft(y).ticks(2, '.2~g').tickSizeOuter(0));
    root.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.b})`).call(d3.axisBottom(x).ticks(Math.min(4, n - 1), 'd').tickSizeOuter(0));
    root.append('path').attr('d', line(c.train)).attr('class', 'loss train');
    root.append('path').attr('d', line(c.val)).attr('class', 'loss val');
  }, [last]);
  if (!last) return null;
  const [key, c] = last;
  return (
    <div className="live-loss small" data-testid="live-loss" data-points={c.train.length} title="SAE loss per epoch (solid: train, dashed: validation), log scale">
      <svg ref={svg} width={W} height={H} className="loss-curve" />
      <div className="muted">
        SAE {key}: epoch {c.train.length}, loss {c.train.at(-1)?.toExponential(2)} / val {c.val.at(-1)?.toExponential(2)}
        {entries.length > 1 ? ` · ${entries.length - 1} earlier fit${entries.length > 2 ? 's' : ''} done` : ''}
      </div>
    </div>
  );
}
