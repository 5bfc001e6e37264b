/**
 * The picked image with the picked mode's heatmap over it (diverging colours centred at 0, a
 * legend, an opacity slider), its label and prediction, its decomposition into mode shares plus
 * the residual (a click on a bar picks that mode), and a filterable strip to pick the image.
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Decomposition, HeatmapResult, ImagePixels } from '../../worker/api';
import { useApp } from '../context';
import { divergingRgb, NEG, POS } from '../draw/colormap';
import { fmt3s, fmtSigned } from '../draw/format';
import { className, filteredImages } from '../store/selectors';
import type { ImageFilter } from '../store/viewSlice';
import { useSize } from '../draw/useSize';
import { useFitSize } from '../draw/useFitSize';
import { toCsv } from '../draw/exportFig';
import { ExportButtons } from './ExportButtons';
import { HeatmapExport, Legend } from './HeatmapFooter';
import { AblationPeek } from './AblationPeek';
import { imageCompletenessText } from './completenessText';
import { NoAnalysis, Panel, PanelState } from './PanelState';
import { Thumb, useSpriteUrl } from './Thumb';

/** The image's display size: larger on wide screens. */
function useViewSize(): number {
  const query = '(min-width: 1700px)';
  const [wide, setWide] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const on = () => setWide(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return wide ? 248 : 168;
}

export function ImagePanel() {
  const analysis = useApp((s) => s.analysis);
  const image = useApp((s) => s.image);
  return (
    <Panel title={<>Image {image !== null && <span className="muted">#{image}</span>}</>} testId="panel-image" className="image-panel" extra={analysis && (
        <>
          <AblationPeek />
          <HeatmapControls />
        </>
      )}>
      {!analysis ? (
        <NoAnalysis>Pick an image to see where the picked mode acts in it.</NoAnalysis>
      ) : (
        <>
          <div className="image-top">
            <ImageView />
            <ImageFacts />
          </div>
          <DecompositionBars />
          <ImageStrip />
        </>
      )}
    </Panel>
  );
}

function HeatmapControls() {
  const opacity = useApp((s) => s.opacity);
  const setOpacity = useApp((s) => s.setOpacity);
  const resolution = useApp((s) => s.resolution);
  const setResolution = useApp((s) => s.setResolution);
  const showMask = useApp((s) => s.showMask);
  const setShowMask = useApp((s) => s.setShowMask);
  // A layer without positions (Dense) has no layer-resolution map: the worker draws input resolution.
  const layerView = useApp((s) => s.analysis?.layers.find((l) => l.name === s.layer));
  const spatial = !layerView || layerView.outputShape.length === 3;
  const shown = spatial ? resolution : 'input';
  const masking = showMask && shown === 'input';
  return (
    <>
      <select value={shown} onChange={(e) => setResolution(e.target.value as 'layer' | 'input')} aria-label="Heatmap resolution" data-testid="resolution" title="Layer: the mode's channels' contributions per position, upsampled. Input: gradient × input through those channels.">
        <option value="layer" disabled={!spatial} title={spatial ? undefined : 'This layer has no positions: only input resolution'}>
          layer resolution
        </option>
        <option value="input">input resolution</option>
      </select>
      <label className="check" title="The reference's masked recipe: |grad × input|, median-filtered, normalised, used as a mask">
        <input type="checkbox" checked={masking} onChange={(e) => setShowMask(e.target.checked)} disabled={shown !== 'input'} data-testid="mask" /> mask
      </label>
      <label title={masking ? 'The mask view shows the masked image, without the heatmap: opacity does not apply' : 'Heatmap opacity'}>
        <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} aria-label="Heatmap opacity" data-testid="opacity" disabled={masking} />
      </label>
    </>
  );
}

function ImageView() {
  const pixels = useApp((s) => s.pixels);
  const heat = useApp((s) => s.heatmap);
  const opacity = useApp((s) => s.opacity);
  const showMask = useApp((s) => s.showMask);
  const mode = useApp((s) => s.mode);
  const view = useRef<HTMLDivElement>(null);
  // As large as the panel allows (useFitSize.ts), at least the old fixed size.
  // Below the picture: the colour bar and its scale line, the PNG button, a decomposition of about
  // eight bars and the strip.
  const VIEW = useFitSize(view, { beside: 190, below: 340, min: useViewSize(), max: 640 });
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const px = pixels.status === 'ready' ? pixels.data : null;
  const hm = heat.status === 'ready' ? heat.data : null;
  // The mask exists at input resolution only; elsewhere the heatmap shows whatever the checkbox said.
  const mask = showMask && hm?.mask ? hm.mask : null;
  useEffect(() => drawPixels(base.current, px, mask), [px, mask]);
  useEffect(() => drawHeat(over.current, mask ? null : hm), [hm, mask]);
  return (
    <div className="image-view" ref={view}>
      <div className="image-stack" style={{ width: VIEW, height: VIEW }} data-testid="image-view" data-heatmap={hm ? `${hm.layer}|${hm.mode}|${hm.image}|${hm.resolution}` : ''}>
        <canvas ref={base} className="pixelated" />
        <canvas ref={over} className="pixelated overlay" style={{ opacity }} />
        {pixels.status === 'error' && <PanelState kind="error">{pixels.message}</PanelState>}
        {pixels.status === 'loading' && <PanelState kind="loading">Loading image…</PanelState>}
        {heat.status === 'loading' && <span className="corner-note">computing heatmap…</span>}
      </div>
      {heat.status === 'error' && (
        <div className="heat-error small" role="alert">
          {heat.message}
        </div>
      )}
      {mode === null && <div className="small muted">Pick a mode to see its heatmap.</div>}
      {mask ? (
        <div className="small muted" data-testid="mask-note">
          Masked image (the reference's recipe: |gradient × input| of the mode's top channels, median-filtered, min-max normalised, gain 7, clipped): no heatmap, so no colour bar or opacity.
        </div>
      ) : (
        <Legend heat={hm} width={VIEW} />
      )}
      {hm && px && <HeatmapExport base={base} over={over} opacity={mask ? 0 : opacity} size={VIEW} hm={hm} masked={mask !== null} />}
    </div>
  );
}


function drawPixels(c: HTMLCanvasElement | null, px: ImagePixels | null, mask: Float32Array | null): void {
  if (!c) return;
  const ctx = c.getContext('2d')!;
  if (!px) {
    ctx.clearRect(0, 0, c.width, c.height);
    return;
  }
  c.width = px.width;
  c.height = px.height;
  const data = new Uint8ClampedArray(px.rgba);
  if (mask) for (let i = 0; i < mask.length; i++) for (let k = 0; k < 3; k++) data[4 * i + k] = data[4 * i + k] * mask[i];
  ctx.putImageData(new ImageData(data, px.width, px.height), 0, 0);
}

function drawHeat(c: HTMLCanvasElement | null, hm: HeatmapResult | null): void {
  if (!c) return;
  const ctx = c.getContext('2d')!;
  if (!hm) {
    ctx.clearRect(0, 0, c.width, c.height);
    return;
  }
  c.width = hm.width;
  c.height = hm.height;
  // The image's colour scale, shared by its modes (a weak mode draws faint).
  const rgb = divergingRgb(hm.scale);
  const img = new ImageData(hm.width, hm.height);
  const m = hm.scale || 1;
  for (let i = 0; i < hm.values.length; i++) {
    const v = hm.values[i];
    const [r, g, b] = rgb(v);
    // Opaque where the mode acts strongly, clear where it does not, so the image shows through.
    img.data.set([r, g, b, Math.round(255 * Math.min(1, (1.6 * Math.abs(v)) / m))], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}


function ImageFacts() {
  const analysis = useApp((s) => s.analysis)!;
  const image = useApp((s) => s.image);
  const dec = useApp((s) => s.decomposition);
  const heat = useApp((s) => s.heatmap);
  const layer = useApp((s) => s.layer);
  if (image === null) return <div className="image-facts muted">No image picked.</div>;
  const layerView = analysis.layers.find((l) => l.name === layer);
  const label = analysis.images.labels ? analysis.images.labels[image] : null;
  const pred = analysis.images.predicted[image];
  const d = dec.status === 'ready' ? dec.data : null;
  const wrong = label !== null && label !== pred;
  return (
    <div className="image-facts" data-testid="image-facts">
      <div className="fact-name" title={analysis.images.names[image]}>
        {analysis.images.names[image]}
      </div>
      <div>
        label <b>{className(analysis, label)}</b>
      </div>
      <div className={wrong ? 'wrong' : ''}>
        predicted <b>{className(analysis, pred)}</b>
        {d?.probs && ` (${(d.probs[pred] * 100).toFixed(0)}%)`} {wrong && '✗'}
      </div>
      <div className="small">
        target: {analysis.settings.target} of <b>{className(analysis, analysis.images.targetClass[image])}</b>
      </div>
      <div className="small mono">
        F(x) {fmt3s(analysis.images.F[image])} · F(x₀) {fmt3s(analysis.images.F0[image])}
        <br />ΔF {fmtSigned(analysis.images.F[image] - analysis.images.F0[image])}
      </div>
      {layerView && (
        <div className="small" data-testid="image-completeness">
          {imageCompletenessText(layerView, image, analysis.settings, analysis.images.F[image] - analysis.images.F0[image])}
        </div>
      )}
      {heat.status === 'ready' && (
        <div className="small muted">
          heatmap: mode {heat.data.mode}, channels {heat.data.channels.join(', ')}, {heat.data.resolution} resolution
        </div>
      )}
    </div>
  );
}

const MAX_BARS = 12;

function DecompositionBars() {
  const dec = useApp((s) => s.decomposition);
  const mode = useApp((s) => s.mode);
  const pickMode = useApp((s) => s.pickMode);
  const svg = useRef<SVGSVGElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const { height } = useSize(box);
  const d = dec.status === 'ready' ? dec.data : null;
  // As many mode bars as fit (at least 3), then "n more" and the residual.
  const maxBars = Math.max(3, Math.min(MAX_BARS, Math.floor((height - 44) / 14) - 2));
  useEffect(() => {
    if (d) drawBars(svg.current!, d, mode, (m) => pickMode(m, d.source), maxBars);
  }, [d, mode, pickMode, maxBars]);
  // Up and down move over the modes of the image's decomposition (one tab stop for the bars).
  const onKey = (e: React.KeyboardEvent) => {
    if (!d || !d.bars.length || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    e.preventDefault();
    const i = d.bars.findIndex((b) => b.mode === mode);
    const j = i < 0 ? 0 : Math.max(0, Math.min(d.bars.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
    pickMode(d.bars[j].mode, d.source);
  };
  return (
    <div className="decomp" data-testid="decomposition" ref={box} tabIndex={0} onKeyDown={onKey} aria-label="Decomposition: up and down pick the image's modes">
      <h3>
        Decomposition {d && <span className="muted">{d.source === 'contributions' ? `of ΔF = F(x) − F(x₀) = ${fmtSigned(d.dF)}` : `of the summed activation ${fmtSigned(d.dF)}`}</span>}
        {d && <ExportButtons name="decomposition" svg={svg} title={`Decomposition of image #${d.image} at ${d.layer} into ${d.source === 'contributions' ? 'contribution' : 'activation'} modes: ${d.source === 'contributions' ? `ΔF = F(x) − F(x₀) = ${fmtSigned(d.dF)}` : `summed activation ${fmtSigned(d.dF)}`}, residual ${fmtSigned(d.residual)}`} csv={() => toCsv(['image', 'layer', 'source', 'mode', 'share'], [...d.bars.map((b) => [d.image, d.layer, d.source, b.mode, b.share] as (string | number)[]), [d.image, d.layer, d.source, 'residual', d.residual]])} />}
      </h3>
      {dec.status === 'error' && <PanelState kind="error">{dec.message}</PanelState>}
      {dec.status === 'loading' && <PanelState kind="loading">Loading…</PanelState>}
      <svg ref={svg} className="decomp-bars" style={{ display: d ? undefined : 'none' }} />
    </div>
  );
}

type Bar = { key: string; label: string; value: number; mode: number | null; kind: 'mode' | 'other' | 'residual' };

function drawBars(el: SVGSVGElement, d: Decomposition, picked: number | null, onPick: (m: number) => void, maxBars: number): void {
  // The picked mode always gets its own bar.
  let shown = d.bars.slice(0, maxBars);
  const pickedBar = d.bars.findIndex((b) => b.mode === picked);
  if (pickedBar >= maxBars) shown = [...d.bars.slice(0, maxBars - 1), d.bars[pickedBar]];
  const rest = d.bars.filter((b) => !shown.includes(b));
  const bars: Bar[] = shown.map((b) => ({ key: `m${b.mode}`, label: `#${b.mode}`, value: b.share, mode: b.mode, kind: 'mode' }));
  if (rest.length) bars.push({ key: 'other', label: `${rest.length} more`, value: rest.reduce((s, b) => s + b.share, 0), mode: null, kind: 'other' });
  bars.push({ key: 'residual', label: 'residual', value: d.residual, mode: null, kind: 'residual' });
  const W = Math.max(200, (el.parentElement?.clientWidth ?? 300) - 2);
  const rowH = 14;
  // Room for the longest value at its width (values like +187.3 were cut at a fixed 52 px).
  const longest = Math.max(...bars.map((b) => fmtSigned(b.value).length));
  const m = { top: 4, right: Math.max(52, 7 * longest + 8), bottom: 18, left: 64 };
  const H = m.top + m.bottom + rowH * bars.length;
  const root = d3.select(el).attr('width', W).attr('height', H);
  root.selectAll('*').remove();
  const ext = d3.extent([0, d.dF, ...bars.map((b) => b.value)]) as [number, number];
  const x = d3.scaleLinear().domain(ext).nice().range([m.left, W - m.right]);
  const y = d3.scaleBand<string>().domain(bars.map((b) => b.key)).range([m.top, H - m.bottom]).padding(0.18);
  const g = root.append('g');
  const row = g
    .selectAll('g.row')
    .data(bars)
    .join('g')
    .attr('class', (b) => `row ${b.kind}${b.mode !== null && b.mode === picked ? ' picked' : ''}`)
    .attr('data-mode', (b) => (b.mode === null ? null : b.mode))
    .style('cursor', (b) => (b.mode === null ? 'default' : 'pointer'))
    .on('click', (_, b) => b.mode !== null && onPick(b.mode));
  row.append('rect').attr('x', 0).attr('width', W).attr('y', (b) => y(b.key)!).attr('height', y.bandwidth()).attr('class', 'row-hit');
  row
    .append('rect')
    .attr('class', 'bar')
    .attr('x', (b) => Math.min(x(0), x(b.value)))
    .attr('width', (b) => Math.max(1, Math.abs(x(b.value) - x(0))))
    .attr('y', (b) => y(b.key)!)
    .attr('height', y.bandwidth())
    .attr('fill', (b) => (b.kind === 'residual' ? '#9ca3af' : b.kind === 'other' ? '#d1d5db' : b.value < 0 ? NEG : POS));
  row.append('text').attr('x', m.left - 6).attr('y', (b) => y(b.key)! + y.bandwidth() / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text((b) => b.label);
  row.append('text').attr('class', 'val').attr('x', W - m.right + 4).attr('y', (b) => y(b.key)! + y.bandwidth() / 2).attr('dy', '0.35em').text((b) => fmtSigned(b.value));
  row.append('title').text((b) => (b.kind === 'mode' ? `mode ${b.mode}: share ${fmtSigned(b.value)} (click to pick)` : b.kind === 'other' ? `${rest.length} smaller modes together` : 'residual: ΔF minus the sum of the mode shares'));
  g.append('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', m.top).attr('y2', H - m.bottom);
  g.append('line').attr('class', 'total').attr('x1', x(d.dF)).attr('x2', x(d.dF)).attr('y1', m.top).attr('y2', H - m.bottom).append('title').text(`total ${fmtSigned(d.dF)}`);
  // Plain numbers on the axis ("500", "1k"), not "5e+2".
  const big = Math.max(Math.abs(ext[0]), Math.abs(ext[1])) >= 1000;
  g.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - m.bottom})`).call(d3.axisBottom(x).ticks(5).tickFormat(d3.format(big ? '~s' : '.3~g')));
}

/** Images per page of the strip. */
const PAGE = 400;

function ImageStrip() {
  const analysis = useApp((s) => s.analysis)!;
  const image = useApp((s) => s.image);
  const pickImage = useApp((s) => s.pickImage);
  const filter = useApp((s) => s.filter);
  const setFilter = useApp((s) => s.setFilter);
  const url = useSpriteUrl(analysis.sprite);
  const list = useMemo(() => filteredImages(analysis, filter), [analysis, filter]);
  const strip = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (image !== null) strip.current?.querySelector<HTMLElement>(`[data-image="${image}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [image, list]);
  const value = filter.kind === 'all' || filter.kind === 'misclassified' ? filter.kind : `${filter.kind}:${filter.cls}`;
  const onFilter = (v: string) => {
    const [kind, cls] = v.split(':');
    setFilter(kind === 'class' || kind === 'predicted' ? { kind, cls: Number(cls) } : ({ kind } as ImageFilter));
  };
  // Pages of PAGE images (every image is reachable: the strip stopped at the first 400); the
  // page follows the picked image.
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  useEffect(() => {
    const at = list.indexOf(image ?? -1);
    if (at >= 0) setPage(Math.floor(at / PAGE));
    else setPage((p) => Math.min(p, pages - 1));
  }, [image, list, pages]);
  const from = Math.min(page, pages - 1) * PAGE;
  const shown = list.slice(from, from + PAGE);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const i = list.indexOf(image ?? -1);
    const j = Math.max(0, Math.min(list.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1)));
    if (list.length) pickImage(list[j], true);
  };
  return (
    <div className="strip-wrap">
      <div className="strip-bar">
        <select value={value} onChange={(e) => onFilter(e.target.value)} aria-label="Filter images" data-testid="image-filter">
          <option value="all">all images ({analysis.images.count})</option>
          {analysis.images.labels && <option value="misclassified">misclassified</option>}
          {analysis.images.labels && (
            <optgroup label="label is">
              {analysis.classNames.map((c, k) => (
                <option key={`c${k}`} value={`class:${k}`}>
                  {c}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="predicted as">
            {analysis.classNames.map((c, k) => (
              <option key={`p${k}`} value={`predicted:${k}`}>
                {c}
              </option>
            ))}
          </optgroup>
        </select>
        <span className="small muted" data-testid="strip-count" title="Picking an image here (or with the arrow keys) shows its largest-share mode">
          {list.length} image{list.length === 1 ? '' : 's'}
        </span>
        {pages > 1 && (
          <span className="strip-pager small" data-testid="strip-pager">
            <button type="button" className="small" disabled={from === 0} onClick={() => setPage(Math.max(0, page - 1))} aria-label="Previous images" data-testid="strip-prev">
              ‹
            </button>
            {from + 1}–{from + shown.length} of {list.length}
            <button type="button" className="small" disabled={from + PAGE >= list.length} onClick={() => setPage(Math.min(pages - 1, page + 1))} aria-label="Next images" data-testid="strip-next">
              ›
            </button>
          </span>
        )}
      </div>
      <div className="strip" ref={strip} tabIndex={0} onKeyDown={onKey} aria-label="Images" data-testid="image-strip">
        {!list.length && <span className="muted small">No image matches this filter.</span>}
        {analysis.sprite
          ? shown.map((i) => <Thumb key={i} sprite={analysis.sprite!} url={url} index={i} size={30} selected={i === image} onClick={() => pickImage(i, true)} focusable={false} title={`#${i} ${analysis.images.names[i]}\nlabel ${className(analysis, analysis.images.labels?.[i])}, predicted ${className(analysis, analysis.images.predicted[i])}`} />)
          : shown.map((i) => (
              <button key={i} type="button" className={`thumb text${i === image ? ' selected' : ''}`} data-image={i} tabIndex={-1} onClick={() => pickImage(i, true)}>
                {i}
              </button>
            ))}
      </div>
    </div>
  );
}
