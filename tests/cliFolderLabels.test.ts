/**
 * The CLI on a folder-labelled image set whose class folders are a subset of the model's classes
 * (#17): `ablate` reads the folders against the bundle's class names (the accuracy it prints is
 * the one counted here from the model's own predictions), warns on a dead mode in one line, and
 * `predict` names outputs only from a list with one name per output.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './helpers/cliRun';
import { saveModelToDir } from '../src/cli/fileIO';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import type { BundleManifest } from '../src/core/bundle/manifest';
import { chainCnn } from './helpers/models';

let dir = '';

const cli = (...args: string[]) => runCaptured(args);

function png(file: string, seed: number) {
  const p = new PNG({ width: 6, height: 6 });
  for (let i = 0; i < 36; i++) {
    const v = (seed * 53 + i * 29 + ((i * seed) % 7) * 17) % 256;
    p.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(p));
}

/** Folders b (1 image) and c (3 images) of the model's classes a, b, c. */
const FILES: [string, number][] = [['b/img0.png', 1], ['c/img0.png', 2], ['c/img1.png', 3], ['c/img2.png', 4]];

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-folders-'));
  await saveModelToDir(chainCnn(), path.join(dir, 'model'));
  for (const [f, seed] of FILES) {
    mkdirSync(path.dirname(path.join(dir, 'images', f)), { recursive: true });
    png(path.join(dir, 'images', f), seed);
  }
  writeFileSync(path.join(dir, 'classes.txt'), 'a\nb\nc\n');
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The model's top class per image, from memory and pngjs (independent of the CLI's reading). */
async function predictions(): Promise<number[]> {
  const { model } = await loadModelFromDisk(path.join(dir, 'model/model.json'));
  return FILES.map(([f]) => {
    const img = PNG.sync.read(readFileSync(path.join(dir, 'images', f)));
    return tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => img.data[i * 4] / 255), [1, 6, 6, 1]);
      return (model.predict(x) as tf.Tensor).argMax(1).dataSync()[0];
    });
  });
}

describe('CLI on folder labels that are a subset of the model classes', () => {
  it('ablate prints the accuracy against the bundle classes, and warns on a dead mode', async () => {
    const bundle = path.join(dir, 'bundle');
    const a = await cli('analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--classes', path.join(dir, 'classes.txt'), '--layers', 'a', '--steps', '2', '--sae', 'topk', '--K', '4', '--sae-epochs', '3', '--out', bundle);
    expect(a.code, a.stderr).toBe(0);
    const m = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
    expect(m.labels).toEqual([1, 2, 2, 2]);
    const truth = [1, 2, 2, 2]; // b is the model's class 1, c its class 2
    const pred = await predictions();
    const right = pred.filter((p, i) => p === truth[i]).length / pred.length;
    // Read without the class names, the folders would be labels 0 and 1: a different count here.
    const wrong = pred.filter((p, i) => p === [0, 1, 1, 1][i]).length / pred.length;
    expect(right, `predictions ${pred} cannot tell the two readings apart`).not.toBe(wrong);

    const sae = m.layers[0].sae!.contributions!;
    const alive = sae.aliveModes[0];
    const r = await cli('ablate', bundle, '--layer', 'a', '--mode', String(alive), '--pct', '10');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`# accuracy before ${right.toFixed(4)}, after `);
    expect(r.stderr).not.toMatch(/dead/);

    // A dead mode: the manifest is edited so that mode 0 fired on no image.
    const edited = structuredClone(m);
    edited.layers[0].sae!.contributions!.aliveModes = sae.aliveModes.filter((k) => k !== 0);
    writeFileSync(path.join(bundle, 'manifest.json'), JSON.stringify(edited));
    const d = await cli('ablate', bundle, '--layer', 'a', '--mode', '0', '--pct', '20');
    const lines = d.stderr.trim().split('\n').filter((l) => l.startsWith('codec:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^codec: warning: ablate: contributions mode 0 at a is dead \(it fires on none of the bundle's 4 images.*pick one of the \d+ alive modes/);
  }, 120_000);

  it('predict names classes only from a list with one name per output', async () => {
    const pred = await predictions();
    const idx = await cli('predict', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'));
    expect(idx.code, idx.stderr).toBe(0);
    // Two folder names for three outputs: indices throughout, never a folder name for output k.
    expect(idx.stdout.split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(pred.map(String));
    const named = await cli('predict', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--classes', path.join(dir, 'classes.txt'));
    expect(named.stdout.split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(pred.map((p) => 'abc'[p]));
  }, 60_000);
});
