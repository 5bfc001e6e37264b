/**
 * Dictionary quality in the CLI (issue 15): a fit made poor on purpose (one optimizer step) is
 * marked poor in the bundle and `analyze` and `report` print the plain warning; the median
 * residual share stored with it is recomputed here from the bundle's codes, atoms, F and F0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFromDisk } from '../src/cli/bundleFiles';
import { saveModelToDir } from '../src/cli/fileIO';
import { runCaptured } from './helpers/cliRun';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { chainCnn } from './helpers/models';

let dir = '';

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCaptured(args);
  expect(r.code).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-sae-quality-'));
  await saveModelToDir(chainCnn(), path.join(dir, 'model'));
  mkdirSync(path.join(dir, 'images'));
  for (let k = 0; k < 16; k++) {
    const p = new PNG({ width: 6, height: 6 });
    for (let i = 0; i < 36; i++) {
      const v = (k * 53 + i * 29 + ((k * i) % 7) * 17) % 256;
      p.data.set([v, (v * 3) % 256, 255 - v, 255], i * 4);
    }
    writeFileSync(path.join(dir, 'images', `img${k}.png`), PNG.sync.write(p));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SAE fit quality in the CLI', () => {
  it('a one-step fit is marked poor; analyze and report print the warning; the residual share matches a recomputation', async () => {
    const out = path.join(dir, 'poor');
    const { stdout, stderr } = await cli('analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--layers', 'b', '--steps', '4', '--sae-steps', '1', '--out', out);
    expect(stdout).toMatch(/\| b \| contributions \| -?\d+\.\d\d \| \d+ \/ \d+ \| [\d.]+ \| \d+ \| 1 \| poor \|/);
    expect(stdout).toMatch(/WARNING b contributions: Poor fit \(R² -?\d+\.\d\d, \d+ of \d+ modes alive.*\): these modes do not describe the layer well\. Try more images \(16 were used\), more steps, or fewer modes\./);
    // SAE progress is printed while it trains.
    expect(stderr).toMatch(/SAE b contributions: step 1\/1/);
    const b = await readBundleFromDisk(out);
    const sae = b.manifest.layers[0].sae!.contributions!;
    const q = sae.config.quality!;
    expect(q.mark).toBe('poor');
    expect(q.steps).toBe(1);
    expect(q.alive + q.dead).toBe(sae.config.K);
    // Residual share |dF - sum_k z_nk sum(atom_k) std| / |dF|, median over images, from the stored arrays.
    const codes = await b.getDense(sae.arrays.codes);
    const atoms = await b.getArray(sae.arrays.atoms);
    const F = await b.getArray(b.manifest.outputs.F);
    const F0 = await b.getArray(b.manifest.outputs.F0);
    const K = sae.config.K;
    const d = sae.config.inputDim;
    const shares = Array.from(F, (f, n) => {
      const dF = f - F0[n];
      let s = 0;
      for (let k = 0; k < K; k++) for (let c = 0; c < d; c++) s += codes[n * K + k] * atoms[k * d + c] * sae.config.std;
      return Math.abs(dF - s) / Math.abs(dF);
    }).sort((a, b2) => a - b2);
    const med = (shares[7] + shares[8]) / 2;
    expect(q.residualShare).toBeCloseTo(med, 4);
    const { stdout: rep } = await cli('report', out);
    expect(rep).toMatch(/WARNING b contributions: Poor fit/);
  }, 120000);
});
