/** Under the image: the heatmap's colour bar with its one-per-image scale, and its PNG download. */
import * as d3 from 'd3';
import { useEffect, useRef, type RefObject } from 'react';
import type { HeatmapResult } from '../../worker/api';
import { useApp } from '../context';
import { diverging } from '../draw/colormap';
import { canvasesToPng, download } from '../draw/exportFig';
import { figureCaption } from '../draw/figureCaption';

export function Legend({ heat, width: VIEW }: { heat: HeatmapResult | null; width: number }) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const root = d3.select(svg.current);
    root.selectAll('*').remove();
    if (!heat) return;
    const W = VIEW;
    const m = heat.scale || 1;
    const id = 'legend-grad';
    const grad = root.append('defs').append('linearGradient').attr('id', id);
    const col = diverging(m);
    d3.range(0, 1.0001, 0.1).forEach((t) => grad.append('stop').attr('offset', `${t * 100}%`).attr('stop-color', col(-m + 2 * m * t)));
    root.append('rect').attr('x', 8).attr('y', 2).attr('width', W - 16).attr('height', 10).attr('fill', `url(#${id})`).attr('stroke', '#999').attr('stroke-width', 0.5);
    const x = d3.scaleLinear().domain([-m, m]).range([8, W - 8]);
    // Ticks at -max, 0 and +max always (d3's nice ticks gave only "0" for a max of 0.479).
    root.append('g').attr('class', 'axis').attr('transform', 'translate(0,12)').call(d3.axisBottom(x).tickValues([-m, 0, m]).tickFormat(d3.format('.2~g')))
      .call((g) => g.selectAll('.tick text').attr('text-anchor', (_, i) => (i === 0 ? 'start' : i === 2 ? 'end' : 'middle')));
    root.append('title').text(`${heat.resolution === 'layer' ? 'contribution per position' : 'gradient × input'} of mode ${heat.mode}'s top channels (${heat.channels.join(', ')}); blue negative, red positive; one scale for this image over ${heat.scaleOver}`);
  }, [heat, VIEW]);
  return (
    <>
      <svg ref={svg} width={VIEW} height={30} className="legend" data-testid="legend" />
      {heat && (
        <div className="small muted" data-testid="heat-scale" style={{ width: VIEW }}>
          one scale per image ({heat.scaleOver}); this mode: {Math.round((100 * heat.maxAbs) / (heat.scale || 1))}%
        </div>
      )}
    </>
  );
}

/** The image with its heatmap (or mask) as drawn, as a PNG with what it shows above it. */
export function HeatmapExport({ base, over, opacity, size, hm, masked }: { base: RefObject<HTMLCanvasElement | null>; over: RefObject<HTMLCanvasElement | null>; opacity: number; size: number; hm: HeatmapResult; masked: boolean }) {
  const analysis = useApp((s) => s.analysis);
  const save = async () => {
    if (!base.current || !over.current) return;
    const what = masked ? "masked by the reference's recipe" : `heatmap (${hm.resolution === 'layer' ? 'contribution per position' : 'gradient × input'}, one scale per image ±${d3.format('.2~g')(hm.scale)} over ${hm.scaleOver})`;
    const caption = figureCaption(`Image #${hm.image}: ${hm.source === 'contributions' ? 'contribution' : 'activation'} mode #${hm.mode} at ${hm.layer}, channels ${hm.channels.join(', ')}, ${what}`, analysis);
    download(await canvasesToPng([{ canvas: base.current, opacity: 1 }, { canvas: over.current, opacity }], size, caption), `heatmap-${hm.layer.replace(/[^\w.-]+/g, '_')}-mode${hm.mode}-image${hm.image}.png`);
  };
  return (
    <button type="button" className="small" data-testid="export-heatmap-png" title="Download the image with its heatmap as PNG" onClick={() => void save()}>
      PNG
    </button>
  );
}
