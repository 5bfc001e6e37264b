/**
 * Stimulus movies for the simulated retina: frames of size x size contrasts in [-1, 1] (0 = the
 * mean luminance), deterministic for a seed. The model sees the last `window` frames as channels,
 * oldest first: window channel k of time t is frame t - (window - 1) + k, so channel window-1 is
 * the current frame (lag 0).
 * Families: white-noise checkerboard with contrast switching, 1/f^2 images with fixational jitter
 * and saccades, full-field flashes, moving and reversing bars, object motion (a disk of texture
 * moving differently from the background, alternating with global motion).
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { rng } from '../util/rng';
import { naturalImage } from './naturalImage';

export const STIMULUS_FAMILIES = ['whiteNoise', 'natural', 'flash', 'bars', 'objectMotion'] as const;
export type StimulusFamily = (typeof STIMULUS_FAMILIES)[number];

export interface Movie {
  family: StimulusFamily;
  /** Frames x size x size, row-major. */
  frames: Float32Array;
  length: number;
  size: number;
}

export interface MovieOptions {
  /** Number of frames. Default 300. */
  frames?: number;
  /** Side in pixels. Default 20. */
  size?: number;
  /** Seed of the movie's random draws. Default 1. */
  seed?: number;
}

/** A movie of the given family. */
export function makeMovie(family: StimulusFamily | string, { frames = 300, size = 20, seed = 1 }: MovieOptions = {}): Movie {
  const fam = keywordFamily(family);
  check(Number.isInteger(frames) && frames >= 1, () => `makeMovie: frames must be an integer >= 1, but got ${frames}.`);
  check(Number.isInteger(size) && size >= 2, () => `makeMovie: size must be an integer >= 2, but got ${size}.`);
  const random = rng(seed * 7919 + STIMULUS_FAMILIES.indexOf(fam) * 104729 + 17);
  const out = new Float32Array(frames * size * size);
  const gen = { whiteNoise, natural, flash, bars, objectMotion }[fam];
  gen(out, frames, size, random);
  return { family: fam, frames: out, length: frames, size };
}

function keywordFamily(f: string): StimulusFamily {
  const hit = STIMULUS_FAMILIES.find((s) => s.toLowerCase() === f.toLowerCase());
  check(hit, () => `unknown stimulus family: ${f} (expected one of ${STIMULUS_FAMILIES.join(', ')})`);
  return hit;
}

/**
 * Model inputs for the windows ending at `times` (each >= window - 1): (N, size, size, window),
 * channel k = frame t - (window - 1) + k (oldest first).
 */
export function movieWindows(movie: Movie, times: number[], window = 20): tf.Tensor4D {
  return tf.tensor4d(windowData(movie, times, window), [times.length, movie.size, movie.size, window]);
}

/** The same windows as a Float32Array (N x size x size x window). */
export function windowData(movie: Movie, times: number[], window = 20): Float32Array {
  const s = movie.size;
  const p = s * s;
  const out = new Float32Array(times.length * p * window);
  times.forEach((t, n) => {
    check(Number.isInteger(t) && t >= window - 1 && t < movie.length, () => `movieWindows: time ${t} is outside [${window - 1}, ${movie.length - 1}].`);
    for (let k = 0; k < window; k++) {
      const f = (t - (window - 1) + k) * p;
      for (let i = 0; i < p; i++) out[(n * p + i) * window + k] = movie.frames[f + i];
    }
  });
  return out;
}

/** Every valid window end time of a movie: window - 1 .. length - 1. */
export function windowTimes(movie: Movie, window = 20): number[] {
  return Array.from({ length: Math.max(0, movie.length - window + 1) }, (_, i) => i + window - 1);
}

type Gen = (out: Float32Array, frames: number, size: number, random: () => number) => void;

/** Binary checkerboard (1 px checks), contrast switching between 1 and 0.3 every 40-80 frames. */
const whiteNoise: Gen = (out, frames, size, random) => {
  let c = random() < 0.5 ? 1 : 0.3;
  let next = 40 + Math.floor(random() * 40);
  for (let t = 0; t < frames; t++) {
    if (t === next) {
      c = c === 1 ? 0.3 : 1;
      next += 40 + Math.floor(random() * 40);
    }
    for (let i = 0; i < size * size; i++) out[t * size * size + i] = random() < 0.5 ? -c : c;
  }
};

/** A 64 x 64 1/f^2 image seen through a jittering window (random walk), new position every 30-60 frames. */
const natural: Gen = (out, frames, size, random) => {
  const n = 64;
  const img = naturalImage(random, { size: n });
  let r = Math.floor(random() * n);
  let c = Math.floor(random() * n);
  let next = 30 + Math.floor(random() * 30);
  for (let t = 0; t < frames; t++) {
    if (t === next) {
      r = Math.floor(random() * n);
      c = Math.floor(random() * n);
      next += 30 + Math.floor(random() * 30);
    }
    r += jitter(random);
    c += jitter(random);
    crop(out, t, size, img, n, r, c);
  }
};

/** Full-field flashes: 4-12 frames at a random signed contrast, then 6-16 frames of gray. */
const flash: Gen = (out, frames, size, random) => {
  let t = Math.floor(random() * 8);
  while (t < frames) {
    const on = 4 + Math.floor(random() * 9);
    const c = (random() < 0.5 ? -1 : 1) * (0.3 + 0.7 * random());
    for (let k = 0; k < on && t < frames; k++, t++) out.fill(c, t * size * size, (t + 1) * size * size);
    t += 6 + Math.floor(random() * 11);
  }
};

/** Bars 2-3 px wide at 4 orientations, 0.5-1.5 px/frame; half the sweeps reverse every 6-16 frames. */
const bars: Gen = (out, frames, size, random) => {
  let t = 0;
  while (t < frames) {
    const theta = (Math.floor(random() * 4) * Math.PI) / 4;
    const [nx, ny] = [Math.cos(theta), Math.sin(theta)];
    const width = 2 + random();
    const c = random() < 0.5 ? -1 : 1;
    const speed = 0.5 + random();
    const reversing = random() < 0.5;
    const half = (size * Math.SQRT2) / 2 + width;
    let pos = -half;
    let dir = 1;
    let flip = 6 + Math.floor(random() * 11);
    for (let k = 0; t < frames && pos <= half && k < 120; k++, t++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const d = (x - (size - 1) / 2) * nx + (y - (size - 1) / 2) * ny;
          if (Math.abs(d - pos) < width / 2) out[t * size * size + y * size + x] = c;
        }
      }
      if (reversing && k === flip) {
        dir = -dir;
        flip += 6 + Math.floor(random() * 11);
      }
      pos += dir * speed;
      if (pos < -half) dir = 1;
    }
    t += Math.floor(random() * 6);
  }
};

/** Background texture and a radius-4 disk of another texture; 50-frame epochs of differential then global motion. */
const objectMotion: Gen = (out, frames, size, random) => {
  const n = 64;
  const bg = naturalImage(random, { size: n, rms: 0.3 });
  const fg = naturalImage(random, { size: n, rms: 0.5 });
  const cy = size / 2 - 2 + 4 * random();
  const cx = size / 2 - 2 + 4 * random();
  let [br, bc, fr, fc] = [0, 0, 0, 0].map(() => Math.floor(random() * n));
  for (let t = 0; t < frames; t++) {
    const differential = Math.floor(t / 50) % 2 === 0;
    const [dr, dc] = [jitter(random), jitter(random)];
    br += dr;
    bc += dc;
    if (differential) {
      fr += jitter(random);
      fc += jitter(random);
    } else {
      fr += dr;
      fc += dc;
    }
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = (y - cy) ** 2 + (x - cx) ** 2 <= 16;
        const v = inside ? fg[mod(fr + y, n) * n + mod(fc + x, n)] : bg[mod(br + y, n) * n + mod(bc + x, n)];
        out[t * size * size + y * size + x] = v;
      }
    }
  }
};

/** A fixational step: -1, 0 or +1 with probabilities 1/4, 1/2, 1/4. */
function jitter(random: () => number): number {
  const u = random();
  return u < 0.25 ? -1 : u < 0.75 ? 0 : 1;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Copies the size x size crop at (r, c) of a periodic n x n image into frame t. */
function crop(out: Float32Array, t: number, size: number, img: Float32Array, n: number, r: number, c: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) out[t * size * size + y * size + x] = img[mod(r + y, n) * n + mod(c + x, n)];
  }
}
