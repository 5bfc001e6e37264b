/**
 * Test fixtures (used by the *.test.ts beside this file only): data made from a planted sparse
 * dictionary, and the recovery of the planted atoms by a learned dictionary.
 */
import { rng } from '../util/rng';

export interface Planted {
  /** (nAtoms x d) unit-norm planted atoms. */
  atoms: Float32Array;
  /** (n x d) rows: sums of `active` distinct atoms with coefficients U(lo, hi). */
  data: Float32Array;
}

/** `noise`: std of Gaussian noise added to every entry (default 0); `atoms`: reuse these planted atoms (fresh rows of the same dictionary). */
export function plantedDictionary(o: { nAtoms: number; d: number; active: number; n: number; lo: number; hi: number; seed: number; noise?: number; atoms?: Float32Array; centred?: boolean }): Planted {
  const { nAtoms, d, active, n, lo, hi, noise = 0 } = o;
  const r = rng(o.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const atoms = o.atoms ? o.atoms.slice() : new Float32Array(nAtoms * d);
  for (let k = 0; k < nAtoms && !o.atoms; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      atoms[k * d + j] = gauss();
      s += atoms[k * d + j] ** 2;
    }
    for (let j = 0; j < d; j++) atoms[k * d + j] /= Math.sqrt(s);
  }
  if (o.centred && !o.atoms) centre(atoms, nAtoms, d);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const picked = new Set<number>();
    while (picked.size < active) picked.add(Math.floor(r() * nAtoms));
    for (const k of picked) {
      const c = lo + (hi - lo) * r();
      for (let j = 0; j < d; j++) data[i * d + j] += c * atoms[k * d + j];
    }
  }
  if (noise > 0) for (let i = 0; i < data.length; i++) data[i] += noise * gauss();
  return { atoms, data };
}

/** Subtracts the mean atom from every atom and rescales them to unit norm (the atoms then sum
 * to 0, so data made of them with i.i.d. codes has mean 0 and needs no bias). */
function centre(atoms: Float32Array, nAtoms: number, d: number): void {
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let k = 0; k < nAtoms; k++) m += atoms[k * d + j] / nAtoms;
    for (let k = 0; k < nAtoms; k++) atoms[k * d + j] -= m;
  }
  for (let k = 0; k < nAtoms; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += atoms[k * d + j] ** 2;
    for (let j = 0; j < d; j++) atoms[k * d + j] /= Math.sqrt(s);
  }
}

/** For each planted atom, the best cosine with a learned atom among `modes`. */
export function bestCosines(planted: Float32Array, learned: Float32Array, d: number, modes: number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t < planted.length / d; t++) {
    let best = -1;
    for (const k of modes) {
      let dot = 0;
      let nn = 0;
      for (let j = 0; j < d; j++) {
        dot += planted[t * d + j] * learned[k * d + j];
        nn += learned[k * d + j] ** 2;
      }
      if (nn > 0) best = Math.max(best, dot / Math.sqrt(nn));
    }
    out.push(best);
  }
  return out;
}
