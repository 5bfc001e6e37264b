/**
 * The retina view (#retina, issue 7): the model retina's stimulus movie with a play head, the
 * picked cell's true and student rates, at the analysed moment nearest the play head the student's
 * first-layer contribution maps (CODEC, conductance on the cell's rate) and the cell's instantaneous
 * receptive field from the student next to the simulator's, the planted wiring vs what CODEC
 * recovers, and the report's ground-truth scores. Everything is drawn from public/demo/retina/
 * (view.json by `npm run retina:view`, report.json by `npm run codec -- retina-report --json`).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { unpack, type RetinaViewBundle } from '../../core/retina/viewBundle';
import { ActiveModes } from './ActiveModes';
import { ChannelMaps } from './ChannelMaps';
import { f2 } from './format';
import { IrfPanel } from './IrfPanel';
import { MapCanvas } from './MapCanvas';
import { RatesChart } from './RatesChart';
import type { RetinaReport } from './reportTypes';
import { ScoresPanel } from './ScoresPanel';
import { WiringPanel } from './WiringPanel';
import { busiestMoment, nearestMoment } from './wiring';
import './retina.css';

export const RETINA_BASE = 'demo/retina/';

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

export function RetinaView() {
  const [data, setData] = useState<{ view: RetinaViewBundle; report: RetinaReport } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [movieIx, setMovieIx] = useState(0);
  const [cell, setCell] = useState(0);
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    Promise.all([getJson<RetinaViewBundle>(RETINA_BASE + 'view.json'), getJson<RetinaReport>(RETINA_BASE + 'report.json')]).then(
      ([view, report]) => {
        setData({ view, report });
        const m0 = view.movies[0].moments;
        setT(m0[busiestMoment(m0, 0)].t);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  const movie = data?.view.movies[movieIx];
  const frames = useMemo(() => (movie ? unpack(movie.frames) : null), [movie]);
  useEffect(() => {
    if (!playing || !movie) return;
    const id = setInterval(() => setT((v) => (v + 1 > movie.length - 1 ? movie.times[0] : v + 1)), 120);
    return () => clearInterval(id);
  }, [playing, movie]);
  const onTime = useCallback((v: number) => {
    setPlaying(false);
    setT(v);
  }, []);
  if (error) return <div className="retina-view error">The retina demo could not be loaded: {error}</div>;
  if (!data || !movie || !frames) return <div className="retina-view muted">Loading the model retina…</div>;
  const { view, report } = data;
  const S = view.size;
  const mi = nearestMoment(movie.moments, t);
  const moment = movie.moments[mi];
  const cm = moment.cells[cell];
  const ti = movie.times.indexOf(t);
  const pickMovie = (i: number) => {
    setMovieIx(i);
    setPlaying(false);
    const ms = view.movies[i].moments;
    setT(ms[busiestMoment(ms, cell)].t);
  };
  return (
    <div className="retina-view" data-testid="retina-view" data-movie={movie.family} data-cell={cell} data-t={t} data-moment={moment.t}>
      <header className="retina-head">
        <h1>
          CODEC Explorer <span>· model retina with known interneurons</span>
        </h1>
        <a href="#">
          ← back to the explorer
        </a>
      </header>
      <div className="retina-grid">
        <section className="retina-card">
          <h2>Stimulus</h2>
          <div className="retina-row">
            {view.movies.map((m, i) => (
              <button key={m.family} className={i === movieIx ? 'primary' : ''} onClick={() => pickMovie(i)} data-testid={`movie-${m.family}`}>
                {m.family}
              </button>
            ))}
          </div>
          <MapCanvas values={frames.subarray(t * S * S, (t + 1) * S * S)} w={S} h={S} maxAbs={1} gray px={11} testId="retina-frame" />
          <div className="retina-row">
            <button onClick={() => setPlaying((p) => !p)} data-testid="retina-play">
              {playing ? '❚❚ pause' : '▶ play'}
            </button>
            <input type="range" min={0} max={movie.length - 1} value={t} onChange={(e) => onTime(Number(e.target.value))} data-testid="retina-time" style={{ width: 140 }} />
            <span className="small mono">frame {t}</span>
          </div>
        </section>
        <section className="retina-card wide">
          <h2>
            Rates of{' '}
            <select value={cell} onChange={(e) => setCell(Number(e.target.value))} data-testid="retina-cell">
              {view.cells.map((c, i) => (
                <option key={c.id} value={i}>
                  {c.id} ({c.cellClass})
                </option>
              ))}
            </select>
          </h2>
          <RatesChart movie={movie} cell={cell} t={t} onTime={onTime} />
          <div className="small">
            {ti >= 0 ? (
              <>
                at frame {t}: true <b>{f2(movie.trueRates[ti][cell])}</b>, student <b>{f2(movie.modelRates[ti][cell])}</b>
              </>
            ) : (
              <span className="muted">no rate at frame {t}: the model sees the last 20 frames, so its rates start at frame {movie.times[0]}</span>
            )}
          </div>
        </section>
        <section className="retina-card wide">
          <h2>
            Moment {moment.t} <span className="muted small">(the analysed moment nearest the play head)</span>: {view.layer} contributions to {view.cells[cell].id}
          </h2>
          <ChannelMaps view={view} m={cm} />
          <div className="small muted">Conductance of each student channel per position ({view.steps} steps, gray baseline), with the cell's rate as target; red raises the rate, blue lowers it.</div>
          <h2 style={{ marginTop: 8 }}>
            Modes active at moment {moment.t} <span className="muted small">(per-cell-rate STSAE on {view.layer}: K {view.sae.K}, tau {view.sae.tau}, {view.sae.alive} alive, R² {f2(view.sae.r2)}; heatmap = channel maps projected on the mode's atom; [type weights])</span>
          </h2>
          <ActiveModes view={view} report={report} m={cm} />
        </section>
        <section className="retina-card">
          <h2>Instantaneous receptive field at moment {moment.t}</h2>
          <IrfPanel m={cm} size={S} frames={view.frames} reportMean={report.irf.perCell[cell].full} />
        </section>
        <section className="retina-card">
          <h2>Planted wiring vs CODEC</h2>
          <WiringPanel view={view} report={report} cell={cell} family={movie.family} />
        </section>
        <section className="retina-card">
          <h2>Ground-truth scores</h2>
          <ScoresPanel report={report} cell={cell} onCell={setCell} />
        </section>
      </div>
    </div>
  );
}
