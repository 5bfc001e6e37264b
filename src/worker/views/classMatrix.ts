/** The mode x class matrix: correlation of mode loadings with classes, and each cell's top image. */
import type { ClassMatrix } from '../api';
import { codeColumns } from './codes';
import { classCorrelation, type LayerModes } from './modes';

export function classMatrix(m: LayerModes, classNames: string[]): ClassMatrix {
  const n = m.codes.shape[0];
  const cols = codeColumns(m.codes);
  const cc = classCorrelation(m);
  const nc = m.nClasses;
  const values = new Float32Array(m.alive.length * nc);
  const topImage = new Int32Array(m.alive.length * nc).fill(-1);
  m.alive.forEach((k, r) => {
    values.set(cc.subarray(k * nc, (k + 1) * nc), r * nc);
    const best = new Float32Array(nc);
    for (let i = 0; i < n; i++) {
      const v = cols[k * n + i];
      const c = m.classOf[i];
      if (v > 0 && c >= 0 && c < nc && v > best[c]) {
        best[c] = v;
        topImage[r * nc + c] = i;
      }
    }
  });
  return { layer: m.layer, source: m.source, modes: [...m.alive], classNames, values, topImage };
}
