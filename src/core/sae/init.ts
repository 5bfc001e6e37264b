/** Seeded initialisers (plain Float32Array), so that a seed fixes the weights on every backend. */
import type { WeightArray } from './types';

/** U(-bound, bound) entries of the given shape. */
export function uniform(shape: number[], bound: number, random: () => number): WeightArray {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * bound;
  return { data, shape };
}

/** Constant entries of the given shape. */
export function constant(shape: number[], value: number): WeightArray {
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape };
}

/** Standard normal entries (Box-Muller). */
export function normal(shape: number[], random: () => number): WeightArray {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    const u = 1 - random(); // (0, 1]
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  return { data, shape };
}

/** PyTorch's nn.Linear default: weight and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)); weight is (in, out). */
export function linear(fanIn: number, fanOut: number, random: () => number, bias = true): { w: WeightArray; b?: WeightArray } {
  const bound = 1 / Math.sqrt(fanIn);
  const w = uniform([fanIn, fanOut], bound, random);
  return bias ? { w, b: uniform([fanOut], bound, random) } : { w };
}

/** Xavier (Glorot) uniform for a (rows x cols) matrix: U(-sqrt(6/(rows+cols)), +). */
export function xavierUniform(rows: number, cols: number, random: () => number): WeightArray {
  return uniform([rows, cols], Math.sqrt(6 / (rows + cols)), random);
}
