/** Shape checks shared by the metrics: a row-major (rows x cols) Float32Array. */
import { check } from '../errors';

/** Checks that `data` holds `rows * cols` values, with non-negative integer sizes. */
export function checkMatrix(where: string, name: string, data: ArrayLike<number>, rows: number, cols: number): void {
  check(Number.isInteger(rows) && rows >= 0, () => `${where}: ${name} rows must be an integer >= 0, but got ${rows}.`);
  check(Number.isInteger(cols) && cols >= 0, () => `${where}: ${name} columns must be an integer >= 0, but got ${cols}.`);
  check(data.length === rows * cols, () => `${where}: ${name} must hold ${rows} x ${cols} = ${rows * cols} values, but got ${data.length}.`);
}
