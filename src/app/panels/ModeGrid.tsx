/**
 * The mode grid of the picked layer: one card per mode with its top images, its atom as a bar
 * strip over channels (negative | positive halves for ei), its class profile and statistics;
 * sortable; activation modes beside on demand; arrow keys move the pick.
 */
import { duplicatesOf, FitQualityNote } from './FitQualityNote';
import * as d3 from 'd3';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { ModeCard, ModeGrid as Grid, ModeSort, Source, SpriteData } from '../../worker/api';
import { useApp } from '../context';
import { sortCards } from '../controller';
import { classColor, NEG, POS } from '../draw/colormap';
import { fmt2, fmt3s, pct } from '../draw/format';
import type { Fetched } from '../store/panelSlice';
import { toCsv } from '../draw/exportFig';
import { ExportButtons } from './ExportButtons';
import { NoAnalysis, Panel, PanelState } from './PanelState';
import { Thumb, useSpriteUrl } from './Thumb';

export function ModeGridPanel() {
  const analysis = useApp((s) => s.analysis);
  const grid = useApp((s) => s.grid);
  const actGrid = useApp((s) => s.actGrid);
  const sort = useApp((s) => s.sort);
  const setSort = useApp((s) => s.setSort);
  const showAct = useApp((s) => s.showActivations);
  const setShowAct = useApp((s) => s.setShowActivations);
  const layer = useApp((s) => s.layer);
  const view = analysis?.layers.find((l) => l.name === layer);
  return (
    <Panel
      title={
        <>
          Modes {layer && <span className="muted">of {layer}</span>}
          {view?.modeKind.contributions === 'channels' && (
            <span className="tag" title="No dictionary was trained for this layer: each channel is shown as a mode">
              channels
            </span>
          )}
        </>
      }
      testId="panel-modes"
      className="modes-panel"
      extra={
        analysis && (
          <>
            <label>
              sort{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as ModeSort)} data-testid="mode-sort">
                <option value="frequency">by frequency</option>
                <option value="selectivity">by class selectivity</option>
                <option value="share">by share (of ΔF; of Σa for activation modes)</option>
              </select>
            </label>
            <ExportButtons name="modes" csv={() => (grid.status === 'ready' ? modesCsv(grid.data) : null)} />
            <label className="check" title="Show the activation modes of this layer beside the contribution modes">
              <input type="checkbox" checked={showAct} onChange={(e) => setShowAct(e.target.checked)} data-testid="toggle-act" /> activation modes
            </label>
          </>
        )
      }
    >
      {!analysis ? (
        <NoAnalysis>No analysis yet: the modes of the picked layer appear here.</NoAnalysis>
      ) : (
        <div className={`mode-columns${showAct ? ' two' : ''}`}>
          <ModeColumn source="contributions" fetched={grid} title={showAct ? 'Contribution modes' : null} />
          {showAct && <ModeColumn source="activations" fetched={actGrid} title="Activation modes" />}
        </div>
      )}
    </Panel>
  );
}

/** The dictionary's size, fit and training curve (train solid, validation dashed). */
function DictionaryLine({ source }: { source: Source }) {
  const analysis = useApp((s) => s.analysis)!;
  const layer = useApp((s) => s.layer);
  const d = analysis.layers.find((l) => l.name === layer)?.dictionaries[source];
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const root = d3.select(svg.current);
    root.selectAll('*').remove();
    if (!d || d.trainLoss.length < 2) return;
    const W = 90;
    const H = 18;
    const all = [...d.trainLoss, ...d.valLoss].filter(Number.isFinite);
    const x = d3.scaleLinear().domain([0, Math.max(d.trainLoss.length, d.valLoss.length) - 1]).range([1, W - 1]);
    const y = d3.scaleLog().domain([Math.max(1e-12, d3.min(all) ?? 1e-6), Math.max(1e-11, d3.max(all) ?? 1)]).range([H - 1, 1]).clamp(true);
    const line = d3.line<number>().x((_, i) => x(i)).y((v) => y(Math.max(v, 1e-12)));
    root.append('path').attr('d', line(d.trainLoss)).attr('class', 'loss train');
    if (d.valLoss.length > 1) root.append('path').attr('d', line(d.valLoss)).attr('class', 'loss val');
    root.append('title').text(`training loss over ${d.epochs} epochs (solid: train, dashed: validation), log scale`);
  }, [d]);
  if (!d) return null;
  return (
    <div className="dict-line small muted" data-testid={`dictionary-${source}`}>
      {d.kind.toUpperCase()} · K {d.K} · {d.alive} alive · R² {d.r2 === null ? '—' : d.r2.toFixed(2)}
      <svg ref={svg} width={90} height={18} className="loss-curve" />
      <FitQualityNote d={d} source={source} />
      {source === 'contributions' && <span className="dict-note" title="Each thumbnail's percent is the mode's share of that image's output change ΔF = F(x) − F(x₀); it can pass 100% where other modes push the other way"> · thumbnails: % of the image's ΔF</span>}
    </div>
  );
}

function ModeColumn({ source, fetched, title }: { source: Source; fetched: Fetched<Grid>; title: string | null }) {
  const analysis = useApp((s) => s.analysis)!;
  const mode = useApp((s) => s.mode);
  const pickedSource = useApp((s) => s.source);
  const pickMode = useApp((s) => s.pickMode);
  const sort = useApp((s) => s.sort);
  const url = useSpriteUrl(analysis.sprite);
  const list = useRef<HTMLDivElement>(null);
  const cards = useMemo(() => (fetched.status === 'ready' ? sortCards(fetched.data.cards, sort) : []), [fetched, sort]);
  const byShare = fetched.status === 'ready' && fetched.data.topRankedBy === 'share of dF';
  const layerName = useApp((s) => s.layer);
  const dict = analysis.layers.find((l) => l.name === layerName)?.dictionaries[source];
  const active = pickedSource === source ? mode : null;
  useEffect(() => {
    if (active === null) return;
    list.current?.querySelector<HTMLElement>(`[data-mode="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, cards]);
  if (fetched.status === 'idle' || fetched.status === 'loading') return <PanelState kind="loading">Loading modes…</PanelState>;
  if (fetched.status === 'error') return <PanelState kind="error">{fetched.message}</PanelState>;
  if (!cards.length)
    return (
      <div className="mode-column">
        <DictionaryLine source={source} />
        <PanelState kind="empty">No alive modes in this layer: the dictionary gave every image a zero code. Another layer, more images or the other source may have some.</PanelState>
      </div>
    );
  const onKey = (e: React.KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 0, ArrowUp: 0, Home: -Infinity, End: Infinity };
    if (!(e.key in keys)) return;
    e.preventDefault();
    const el = list.current;
    const cols = el ? Math.max(1, Math.round(el.clientWidth / ((el.firstElementChild as HTMLElement | null)?.offsetWidth ?? 240))) : 1;
    const i = Math.max(0, cards.findIndex((c) => c.id === active));
    const step = e.key === 'ArrowDown' ? cols : e.key === 'ArrowUp' ? -cols : keys[e.key];
    const j = Math.max(0, Math.min(cards.length - 1, Number.isFinite(step) ? i + step : step > 0 ? cards.length - 1 : 0));
    pickMode(cards[j].id, source);
  };
  return (
    <div className="mode-column">
      {title && <h3>{title}</h3>}
      <DictionaryLine source={source} />
      <div className="mode-list" ref={list} role="listbox" tabIndex={0} aria-label={`${source} modes`} aria-activedescendant={active !== null ? `mode-${source}-${active}` : undefined} onKeyDown={onKey} data-testid={`modes-${source}`}>
        {cards.map((c) => (
          <Card key={c.id} card={c} source={source} selected={c.id === active} sprite={analysis.sprite} url={url} classNames={analysis.classNames} onPick={pickMode} byShare={byShare} dups={duplicatesOf(dict, c.id)} />
        ))}
      </div>
    </div>
  );
}

interface CardProps {
  card: ModeCard;
  source: Source;
  selected: boolean;
  sprite: SpriteData | null;
  url: string | null;
  classNames: string[];
  onPick: (mode: number, source: Source) => void;
  /** The top images are ranked by the mode's share of their ΔF (captions in percent). */
  byShare: boolean;
  /** Other modes of this mode's near-duplicate group. */
  dups?: number[];
}

const Card = memo(function Card({ card, source, selected, sprite, url, classNames, onPick, byShare, dups = [] }: CardProps) {
  const best = card.bestClass >= 0 ? (classNames[card.bestClass] ?? String(card.bestClass)) : '—';
  return (
    <div
      id={`mode-${source}-${card.id}`}
      className={`mode-card${selected ? ' selected' : ''}`}
      role="option"
      aria-selected={selected}
      data-mode={card.id}
      onClick={() => onPick(card.id, source)}
    >
      <div className="mode-head">
        <b>#{card.id}</b>
        {dups.length > 0 && <span className="dup-mark" style={{ color: '#9a6700' }} title={`Near-duplicate: its atom has cosine > 0.95 with mode ${dups.map((m) => `#${m}`).join(', ')}`} data-testid="dup-mark">≈{dups.map((m) => `#${m}`).join(' ')}</span>}
        <span title="Frequency: fraction of images where the mode is active">{pct(card.frequency)}</span>
        <span className="mode-class" title={`Class selectivity: best correlation of the loadings with a class (${best})`}>
          r {fmt2(card.selectivity)} <i style={{ color: classColor(card.bestClass) }}>{best}</i>
        </span>
        {source === 'contributions' ? (
          <span className="push" title="Share: mean |share of the output change F(x) - F(x0)| where active">Δ {fmt3s(card.share)}</span>
        ) : (
          <span className="push" title="An activation mode has no share of the output change: this is its mean |part of the summed activation| where active">Σa {fmt3s(card.share)}</span>
        )}
        <span title="Hoyer sparsity of the atom over channels">H {fmt2(card.hoyer)}</span>
      </div>
      <div className="mode-thumbs">
        {sprite && card.topImages.slice(0, 6).map((t) => <Thumb key={t.index} sprite={sprite} url={url} index={t.index} size={34} caption={byShare ? `${Math.round(100 * t.value)}%` : fmt3s(t.value)} title={byShare ? `image ${t.index}: ${(100 * t.value).toFixed(1)}% of its ΔF (code ${t.code.toPrecision(3)})` : `image ${t.index}: code ${t.code.toPrecision(3)}`} />)}
        {!card.topImages.length && <span className="muted small">never active</span>}
      </div>
      {card.topMix.length > 0 && (
        <div className="mode-mix small muted" data-testid="top-mix" title="The classes of the images shown (label, else predicted): they can differ from the best-correlated class, which is over every image">
          shown: {card.topMix.map(([c, n]) => `${n} ${classNames[c] ?? c}`).join(' · ')}
        </div>
      )}
      <AtomStrip atom={card.atom} ei={card.eiHalves} />
      <ClassProfile profile={card.classProfile} best={card.bestClass} classNames={classNames} />
    </div>
  );
});

function AtomStrip({ atom, ei }: { atom: Float32Array; ei: boolean }) {
  const svg = useRef<SVGSVGElement>(null);
  const W = 224;
  const H = 30;
  useEffect(() => {
    const root = d3.select(svg.current);
    root.selectAll('*').remove();
    const d = atom.length;
    const m = d3.max(atom, (v) => Math.abs(v)) || 1;
    const x = d3.scaleBand<number>().domain(d3.range(d)).range([0, W]).paddingInner(d > 64 ? 0 : 0.15);
    const y = d3.scaleLinear().domain([-m, m]).range([H - 1, 1]);
    const half = d / 2;
    if (ei) {
      root.append('rect').attr('x', 0).attr('width', W / 2).attr('height', H).attr('class', 'half neg');
      root.append('rect').attr('x', W / 2).attr('width', W / 2).attr('height', H).attr('class', 'half pos');
    }
    root
      .selectAll('rect.bar')
      .data(Array.from(atom))
      .join('rect')
      .attr('class', 'bar')
      .attr('x', (_, i) => x(i)!)
      .attr('width', Math.max(0.5, x.bandwidth()))
      .attr('y', (v) => y(Math.max(0, v)))
      .attr('height', (v) => Math.abs(y(v) - y(0)))
      .attr('fill', (v, i) => (ei ? (i < half ? NEG : POS) : v < 0 ? NEG : POS));
    root.append('line').attr('x1', 0).attr('x2', W).attr('y1', y(0)).attr('y2', y(0)).attr('class', 'zero');
    if (ei) root.append('line').attr('x1', W / 2).attr('x2', W / 2).attr('y1', 0).attr('y2', H).attr('class', 'divider');
    root.append('title').text(ei ? 'Atom: negative half (left) | positive half (right), per channel' : 'Atom over channels');
  }, [atom, ei]);
  return <svg ref={svg} width={W} height={H} className="atom-strip" role="img" aria-label={`atom over ${ei ? atom.length / 2 + ' channels, negative and positive halves' : atom.length + ' channels'}`} />;
}

function ClassProfile({ profile, best, classNames }: { profile: Float32Array; best: number; classNames: string[] }) {
  const svg = useRef<SVGSVGElement>(null);
  const W = 224;
  const H = 26;
  useEffect(() => {
    const root = d3.select(svg.current);
    root.selectAll('*').remove();
    const vals = Array.from(profile, (v) => (Number.isFinite(v) ? v : 0));
    const m = Math.max(0.05, d3.max(vals, Math.abs) ?? 0);
    const x = d3.scaleBand<number>().domain(d3.range(vals.length)).range([0, W]).padding(0.15);
    const y = d3.scaleLinear().domain([-m, m]).range([H - 1, 1]);
    root
      .selectAll('rect')
      .data(vals)
      .join('rect')
      .attr('x', (_, i) => x(i)!)
      .attr('width', x.bandwidth())
      .attr('y', (v) => y(Math.max(0, v)))
      .attr('height', (v) => Math.max(0.5, Math.abs(y(v) - y(0))))
      .attr('fill', (_, i) => classColor(i))
      .attr('opacity', (_, i) => (i === best ? 1 : 0.55))
      .append('title')
      .text((v, i) => `${classNames[i] ?? i}: r = ${v.toFixed(2)}`);
    root.append('line').attr('x1', 0).attr('x2', W).attr('y1', y(0)).attr('y2', y(0)).attr('class', 'zero');
  }, [profile, best, classNames]);
  return <svg ref={svg} width={W} height={H} className="class-profile" role="img" aria-label="class profile" />;
}

function modesCsv(g: Grid): string {
  return toCsv(
    ['layer', 'source', 'mode', 'frequency', 'selectivity', 'best_class', 'share', 'hoyer', 'top_images', 'atom'],
    g.cards.map((c) => [g.layer, g.source, c.id, c.frequency, c.selectivity, c.bestClass, c.share, c.hoyer, c.topImages.map((t) => t.index).join(' '), Array.from(c.atom, (v) => v.toPrecision(5)).join(' ')]),
  );
}
