/**
 * Simulated recordings: movies of several stimulus families, the simulator's true rates for every
 * window and Poisson spike counts drawn from them (the student's training target). Windows are
 * built from the stored movies on demand (a window is 20x20x20 floats; 20k of them would be 640 MB).
 */
import { check } from '../errors';
import { rng } from '../util/rng';
import { poissonSpikes } from './ganglion';
import type { Retina } from './simulator';
import { STIMULUS_FAMILIES, makeMovie, windowData, type Movie, type StimulusFamily } from './stimuli';

export interface RetinaDataset {
  movies: Movie[];
  /** Per sample: the movie index and the window's end frame. */
  movie: Int32Array;
  time: Int32Array;
  /** True rates and Poisson counts, N x cells. */
  rates: Float32Array;
  spikes: Float32Array;
  n: number;
  cells: number;
  window: number;
}

/** Movies per family of a training mixture (white noise dominates: it fits filters best). */
export const DEFAULT_MIX: Record<StimulusFamily, number> = { whiteNoise: 0.4, natural: 0.25, flash: 0.1, bars: 0.1, objectMotion: 0.15 };

/** The held-out set of the shipped student's card (seeded apart from any training seed below 977). */
export const HELD_OUT_SET = { movies: 10, frames: 300, seed: 977, stride: 2 };

export interface DatasetOptions {
  /** Number of movies, split over families by `mix` (each family gets at least one). Default 20. */
  movies?: number;
  /** Frames per movie. Default 300. */
  frames?: number;
  /** Fraction of movies per family. Default DEFAULT_MIX. */
  mix?: Partial<Record<StimulusFamily, number>>;
  /** Use every `stride`-th window. Default 1. */
  stride?: number;
  /** Seed of the movies and spikes. Default 1. */
  seed?: number;
}

export function makeDataset(retina: Retina, { movies = 20, frames = 300, mix = DEFAULT_MIX, stride = 1, seed = 1 }: DatasetOptions = {}): RetinaDataset {
  const window = retina.spec.frames;
  check(frames >= window, () => `makeDataset: frames must be >= the window (${window}), but got ${frames}.`);
  check(Number.isInteger(stride) && stride >= 1, () => `makeDataset: stride must be an integer >= 1, but got ${stride}.`);
  const fams = STIMULUS_FAMILIES.filter((f) => (mix[f] ?? 0) > 0);
  check(fams.length > 0, () => `makeDataset: mix gives no family a positive weight.`);
  const total = fams.reduce((s, f) => s + (mix[f] ?? 0), 0);
  const list: Movie[] = [];
  for (const f of fams) {
    const k = Math.max(1, Math.round((movies * (mix[f] ?? 0)) / total));
    for (let i = 0; i < k; i++) list.push(makeMovie(f, { frames, size: retina.spec.size, seed: seed * 1000 + list.length }));
  }
  const movie: number[] = [];
  const time: number[] = [];
  list.forEach((m, i) => {
    for (let t = window - 1; t < m.length; t += stride) {
      movie.push(i);
      time.push(t);
    }
  });
  const n = movie.length;
  const cells = retina.numCells;
  const rates = new Float32Array(n * cells);
  const chunk = 256;
  for (let s = 0; s < n; s += chunk) {
    const rows = Array.from({ length: Math.min(chunk, n - s) }, (_, i) => s + i);
    const part = { movies: list, movie: Int32Array.from(movie), time: Int32Array.from(time) };
    rates.set(retina.ratesOf(batchWindows(part, rows, window), rows.length), s * cells);
  }
  const spikes = poissonSpikes(rates, rng(seed * 31 + 7));
  return { movies: list, movie: Int32Array.from(movie), time: Int32Array.from(time), rates, spikes, n, cells, window };
}

/** The input windows of the given samples (rows.length x size x size x window). */
export function batchWindows(ds: Pick<RetinaDataset, 'movies' | 'movie' | 'time'>, rows: number[], window = 20): Float32Array {
  const size = ds.movies[0].size;
  const per = size * size * window;
  const out = new Float32Array(rows.length * per);
  rows.forEach((r, i) => out.set(windowData(ds.movies[ds.movie[r]], [ds.time[r]], window), i * per));
  return out;
}

/** The family of each sample. */
export function sampleFamilies(ds: RetinaDataset): StimulusFamily[] {
  return Array.from(ds.movie, (m) => ds.movies[m].family);
}

/** An analysis set: `perFamily` windows of every family, evenly spaced in one movie each (family-major). */
export function familyWindows(size: number, window: number, { perFamily = 40, frames = 300, seed = 4242 }: { perFamily?: number; frames?: number; seed?: number } = {}): { data: Float32Array; n: number; families: StimulusFamily[]; movies: Movie[]; times: number[] } {
  check(Number.isInteger(perFamily) && perFamily >= 1, () => `familyWindows: perFamily must be an integer >= 1, but got ${perFamily}.`);
  check(frames - window + 1 >= perFamily, () => `familyWindows: ${frames} frames hold fewer than ${perFamily} windows.`);
  const movies = STIMULUS_FAMILIES.map((f, i) => makeMovie(f, { frames, size, seed: seed + i }));
  const per = size * size * window;
  const data = new Float32Array(movies.length * perFamily * per);
  const families: StimulusFamily[] = [];
  const times: number[] = [];
  movies.forEach((m, i) => {
    const ts = Array.from({ length: perFamily }, (_, k) => window - 1 + Math.floor((k * (frames - window + 1)) / perFamily));
    data.set(windowData(m, ts, window), i * perFamily * per);
    ts.forEach((t) => {
      families.push(m.family);
      times.push(t);
    });
  });
  return { data, n: families.length, families, movies, times };
}
