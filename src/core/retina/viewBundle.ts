/**
 * The retina view's precomputed bundle (public/demo/retina/view.json, written by
 * `npm run retina:view`): short movies of each stimulus family with the true and the student's
 * rates at every frame, and at a few moments per movie, per cell: the instantaneous receptive
 * field of the simulator and of the student (rank-1 space x time), and the student's first-layer
 * conductance maps (per channel, over space) with the cell's rate as target. Large arrays are
 * int8, scaled per array, base64 (works in Node and the browser: btoa/atob).
 */

export interface PackedArray {
  /** value = q / 127 * scale. */
  scale: number;
  length: number;
  b64: string;
}

export interface ViewIrf {
  /** Rank-1 spatial factor (size x size, unit norm, peak positive). */
  spatial: PackedArray;
  /** Rank-1 temporal factor (frames, oldest first). */
  temporal: number[];
  /** Share of the squared norm the rank-1 term explains. */
  explained: number;
}

export interface ViewCellMoment {
  trueIrf: ViewIrf;
  modelIrf: ViewIrf;
  /** Cosines between the two IRFs at this moment: full field, rank-1, spatial, temporal factors. */
  agreement: { full: number; rank1: number; spatial: number; temporal: number };
  /** First-layer contributions to this cell's rate, summed over space per channel (conductance). */
  channelNet: number[];
  /** The same per position: (mapSize x mapSize x channels), channels last. */
  channelMaps: PackedArray;
  /**
   * The STSAE modes active at this moment for this cell (codes of its `ei` vector, per-cell-rate
   * STSAE of the layer, as the report trains it), largest share of the rate change first: code,
   * share |z sum(atom) std|, and the mode's heatmap = the channel maps projected on the mode's
   * net atom (per channel, negative + positive part), unit-norm atom.
   */
  modes: { mode: number; code: number; share: number; map: PackedArray }[];
}

export interface ViewMoment {
  t: number;
  cells: ViewCellMoment[];
}

export interface ViewMovie {
  family: string;
  seed: number;
  length: number;
  /** Frames x size x size. */
  frames: PackedArray;
  /** Window end times with rates: frames - 1 .. length - 1. */
  times: number[];
  /** Per time, per cell. */
  trueRates: number[][];
  modelRates: number[][];
  moments: ViewMoment[];
}

export interface RetinaViewBundle {
  format: 'codec-retina-view';
  version: 1;
  size: number;
  frames: number;
  mapSize: number;
  layer: string;
  steps: number;
  types: string[];
  /** Student first-layer channel -> matched planted type index (Hungarian, shifted filters), -1 if none. */
  channelType: number[];
  cells: { id: string; cellClass: string; inputs: number[] }[];
  movies: ViewMovie[];
  /** The per-cell-rate STSAE the modes come from: dictionary size, threshold, alive modes, R^2. */
  sae: { K: number; tau: number; alive: number; r2: number };
  /** How it was made. */
  command: string;
}

export function pack(values: ArrayLike<number>): PackedArray {
  let scale = 0;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const q = scale === 0 ? 0 : Math.round((values[i] / scale) * 127);
    s += String.fromCharCode(q & 0xff);
  }
  return { scale, length: values.length, b64: btoa(s) };
}

export function unpack(p: PackedArray): Float32Array {
  const s = atob(p.b64);
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const b = s.charCodeAt(i);
    out[i] = (((b << 24) >> 24) / 127) * p.scale;
  }
  return out;
}
