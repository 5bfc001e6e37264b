import * as d3 from 'd3';
import { describe, expect, it } from 'vitest';
import { classColor } from './colormap';

describe('classColor', () => {
  it('colours a class by its index, whatever order the classes are drawn in', () => {
    // The order a panel first asks for the colours in must not matter (a d3 ordinal scale would
    // give class 7 the first colour here).
    const order = [7, 2, 0, 9, 4];
    const got = order.map(classColor);
    expect(got).toEqual(order.map((i) => d3.schemeTableau10[i]));
    expect(classColor(12)).toBe(d3.schemeTableau10[2]);
    expect(classColor(-1)).toBe(d3.schemeTableau10[9]);
  });
});
