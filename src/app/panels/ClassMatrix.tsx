/**
 * Mode x class matrix: correlation of each mode's loadings with class membership (rows ordered by
 * best class). A click on a cell picks the mode and the class's image where the mode is largest.
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClassMatrix as Matrix } from '../../worker/api';
import { useApp } from '../context';
import { diverging } from '../draw/colormap';
import { useSize } from '../draw/useSize';
import { toCsv } from '../draw/exportFig';
import { ExportButtons } from './ExportButtons';
import { NoAnalysis, Panel, PanelState } from './PanelState';

export function ClassMatrixPanel() {
  const analysis = useApp((s) => s.analysis);
  const matrix = useApp((s) => s.matrix);
  const source = useApp((s) => s.source);
  return (
    <Panel title={<>Modes × classes {analysis && <span className="muted">({source === 'contributions' ? 'contribution' : 'activation'} modes)</span>}</>} testId="panel-matrix" className="matrix-panel" extra={matrix.status === 'ready' && matrix.data.modes.length > 0 ? <ExportButtons name="class-matrix" svg='[data-testid="class-matrix"]' csv={() => matrixCsv(matrix.data)} title={`Modes × classes at ${matrix.data.layer}: correlation r of each ${source === 'contributions' ? 'contribution' : 'activation'} mode's codes with each class (red positive, blue negative)`} /> : null}>
      {!analysis ? (
        <NoAnalysis>Which modes go with which classes: appears with an analysis.</NoAnalysis>
      ) : matrix.status === 'error' ? (
        <PanelState kind="error">{matrix.message}</PanelState>
      ) : matrix.status !== 'ready' ? (
        <PanelState kind="loading">Loading…</PanelState>
      ) : matrix.data.modes.length === 0 ? (
        <PanelState kind="empty">No alive modes in this layer.</PanelState>
      ) : (
        <MatrixChart m={matrix.data} />
      )}
    </Panel>
  );
}

function MatrixChart({ m }: { m: Matrix }) {
  const mode = useApp((s) => s.mode);
  const pickMode = useApp((s) => s.pickMode);
  const pickImage = useApp((s) => s.pickImage);
  const analysis = useApp((s) => s.analysis)!;
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const { width, height } = useSize(box);
  const nc = m.classNames.length;
  /** The class column the keyboard is on (arrow keys: up/down a mode, left/right a class). */
  const [cursor, setCursor] = useState(0);
  const [focused, setFocused] = useState(false);
  const geom = useRef<{ cell: number; rowH: number; pickedRow: number } | null>(null);
  // Rows ordered by best class, then by strength (display order only).
  const order = useMemo(() => {
    const best = m.modes.map((_, r) => {
      let bc = -1;
      let bv = -Infinity;
      for (let c = 0; c < nc; c++) {
        const v = m.values[r * nc + c];
        if (Number.isFinite(v) && v > bv) {
          bv = v;
          bc = c;
        }
      }
      return { r, bc, bv };
    });
    return best.sort((a, b) => a.bc - b.bc || b.bv - a.bv).map((b) => b.r);
  }, [m, nc]);
  useEffect(() => {
    const el = svg.current;
    if (!el || width < 60) return;
    // Room on the right for the last class name, which is drawn rotated over its column.
    const margin = { top: 54, right: 40, bottom: 4, left: 40 };
    // Columns fill the panel's width (up to 40 px; they were capped at 18, leaving half of it empty).
    const cell = Math.max(3, Math.min(40, (width - margin.left - margin.right) / nc));
    const rowH = Math.max(order.length > 120 ? 3 : 10, Math.min(14, (height - margin.top - margin.bottom) / Math.max(1, order.length)));
    const H = margin.top + margin.bottom + rowH * order.length;
    const root = d3.select(el).attr('width', width).attr('height', Math.max(H, 60));
    root.selectAll('*').remove();
    const col = diverging(1);
    const g = root.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
    g.selectAll('text.cls')
      .data(m.classNames)
      .join('text')
      .attr('class', 'cls')
      .attr('transform', (_, c) => `translate(${c * cell + cell / 2},-4) rotate(-50)`)
      .text((t) => (t.length > 10 ? t.slice(0, 9) + '…' : t))
      .append('title')
      .text((t) => t);
    const rows = g
      .selectAll('g.mrow')
      .data(order)
      .join('g')
      .attr('class', (r) => `mrow${m.modes[r] === mode ? ' picked' : ''}`)
      .attr('transform', (_, i) => `translate(0,${i * rowH})`);
    if (rowH >= 8) rows.append('text').attr('class', 'mlabel').attr('x', -4).attr('y', rowH / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text((r) => `#${m.modes[r]}`);
    rows
      .selectAll('rect')
      .data((r) => d3.range(nc).map((c) => ({ r, c, v: m.values[r * nc + c] })))
      .join('rect')
      .attr('x', (d) => d.c * cell)
      .attr('width', Math.max(1, cell - 1))
      .attr('height', Math.max(1, rowH - (rowH > 4 ? 1 : 0)))
      .attr('fill', (d) => (Number.isFinite(d.v) ? col(d.v) : '#eee'))
      .attr('data-mode', (d) => m.modes[d.r])
      .attr('data-class', (d) => d.c)
      .on('click', (_, d) => {
        pickMode(m.modes[d.r], m.source);
        const top = m.topImage[d.r * nc + d.c];
        const fallback = Array.from(analysis.images.labels ?? analysis.images.predicted).findIndex((k) => k === d.c);
        const img = top >= 0 ? top : fallback;
        if (img >= 0) pickImage(img);
      })
      .append('title')
      .text((d) => `mode ${m.modes[d.r]} × ${m.classNames[d.c]}: r = ${Number.isFinite(d.v) ? d.v.toFixed(2) : 'n/a'}\nclick: pick the mode and this class's top image`);
    const pickedRow = order.findIndex((r) => m.modes[r] === mode);
    if (pickedRow >= 0) g.append('rect').attr('class', 'row-outline').attr('x', -1).attr('y', pickedRow * rowH - 1).attr('width', nc * cell + 1).attr('height', rowH + 1);
    geom.current = { cell, rowH, pickedRow };
  }, [m, order, mode, width, height, nc, pickMode, pickImage, analysis]);
  // The keyboard's cell cursor, drawn on its own: a redraw of the chart on focus would replace the
  // cell under a mouse press, and the click would then land on no cell.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const root = d3.select(el);
    root.selectAll('rect.cell-cursor').remove();
    const gm = geom.current;
    if (!focused || !gm || gm.pickedRow < 0) return;
    root
      .select('g')
      .append('rect')
      .attr('class', 'cell-cursor')
      .attr('data-testid', 'matrix-cursor')
      .attr('data-class', cursor)
      .attr('x', cursor * gm.cell - 1)
      .attr('y', gm.pickedRow * gm.rowH - 1)
      .attr('width', gm.cell + 1)
      .attr('height', gm.rowH + 1);
  }, [focused, cursor, mode, m, width, height]);
  const imageFor = (r: number, c: number) => {
    const top = m.topImage[r * nc + c];
    return top >= 0 ? top : Array.from(analysis.images.labels ?? analysis.images.predicted).findIndex((k) => k === c);
  };
  const onKey = (e: React.KeyboardEvent) => {
    const i = Math.max(0, order.findIndex((r) => m.modes[r] === mode));
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const j = Math.max(0, Math.min(order.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      pickMode(m.modes[order[j]], m.source);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Enter') {
      e.preventDefault();
      const c = e.key === 'Enter' ? cursor : Math.max(0, Math.min(nc - 1, cursor + (e.key === 'ArrowRight' ? 1 : -1)));
      setCursor(c);
      if (mode === null) pickMode(m.modes[order[0]], m.source);
      const img = imageFor(order[i], c);
      if (img >= 0) pickImage(img);
    }
  };
  return (
    <div className="matrix-wrap">
      <div className="matrix" ref={box} tabIndex={0} role="grid" aria-label={`Modes × classes: arrow keys move over modes (up, down) and classes (left, right), picking the mode and the class's top image`} onKeyDown={onKey} onFocus={() => setFocused(true)} onBlur={() => setFocused(false)} data-testid="matrix-keys">
        <svg ref={svg} data-testid="class-matrix" />
      </div>
      <div className="matrix-legend small muted" data-testid="matrix-legend">
        r <span className="grad-rdbu" aria-hidden="true" /> −1 · 0 · +1: correlation of a mode's codes with the class, over every image
      </div>
    </div>
  );
}

function matrixCsv(m: Matrix): string {
  const nc = m.classNames.length;
  return toCsv(['layer', 'source', 'mode', ...m.classNames.map((c) => `r_${c}`), ...m.classNames.map((c) => `top_image_${c}`)], m.modes.map((mode, r) => [m.layer, m.source, mode, ...Array.from(m.values.subarray(r * nc, (r + 1) * nc)), ...Array.from(m.topImage.subarray(r * nc, (r + 1) * nc))]));
}
