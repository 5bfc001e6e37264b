/**
 * The Hungarian algorithm (Kuhn-Munkres with potentials, O(n^2 m)): the assignment of rows to
 * distinct columns with the least total cost. Rectangular matrices are fine: with n rows <= m
 * columns every row gets a column; with n > m every column gets a row and the other rows get -1.
 */
import { check } from '../errors';

export interface Assignment {
  /** Column of each row, -1 where a row is left out (only when rows > columns). */
  rowToCol: number[];
  /** Sum of the chosen costs. */
  cost: number;
}

/** Minimum-cost assignment for `cost` (rows x columns, finite). */
export function hungarian(cost: readonly (readonly number[])[]): Assignment {
  const n = cost.length;
  if (n === 0) return { rowToCol: [], cost: 0 };
  const m = cost[0].length;
  for (const [i, row] of cost.entries()) {
    check(row.length === m, () => `hungarian: every row must have ${m} columns, but row ${i} has ${row.length}.`);
    for (const v of row) check(Number.isFinite(v), () => `hungarian: costs must be finite, but row ${i} has ${v}.`);
  }
  if (m === 0) return { rowToCol: Array(n).fill(-1), cost: 0 };
  if (n > m) {
    const t = transpose(cost);
    const sub = hungarian(t);
    const rowToCol = Array(n).fill(-1);
    sub.rowToCol.forEach((r, c) => (rowToCol[r] = c));
    return { rowToCol, cost: sub.cost };
  }
  // Potentials u (rows) and v (columns); p[j] is the row matched to column j (1-based, 0 = none).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      // Grow the alternating tree by the column with the least reduced cost.
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Augment along the path back to the root.
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] > 0) rowToCol[p[j] - 1] = j - 1;
  return { rowToCol, cost: rowToCol.reduce((s, c, i) => s + cost[i][c], 0) };
}

/** The assignment with the largest total score (the Hungarian algorithm on -score). */
export function maxAssignment(score: readonly (readonly number[])[]): Assignment {
  const r = hungarian(score.map((row) => row.map((s) => -s)));
  return { rowToCol: r.rowToCol, cost: -r.cost };
}

function transpose(a: readonly (readonly number[])[]): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}
