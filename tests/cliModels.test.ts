/**
 * Every CLI command on models read from disk, a LayersModel and a GraphModel, both ending in a
 * softmax, with weight shards named as in model.json's weightsManifest and without a .bin suffix:
 * layers names the logits; predict's probabilities, analyze's F and probs and ablate's outputs
 * equal closed forms computed here from the same network without its softmax (plain tfjs predict
 * on the PNG pixels as the test wrote them); --preprocess-preset maps the pixels as its recipe says.
 * Before the single format-detecting loader, every command refused the GraphModel ("this is a
 * GraphModel ... load it with loadGraphModelFromFiles").
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModelToDir } from '../src/cli/fileIO';
import { runCaptured } from './helpers/cliRun';
import { useNodeBackend } from '../src/cli/nodeBackend';
import type { BundleManifest } from '../src/core/bundle/manifest';
import { residualGraphFiles } from './helpers/graphModels';
import { residualCnn } from './helpers/models';

let dir = '';
const N = 5;
let pixels: Uint8Array[] = [];
let base: tf.LayersModel;

const cli = (...args: string[]) => runCaptured(args);

/** The shard renamed to `group1-shard1of1` (no .bin), in the file and in model.json. */
function dropBinSuffix(modelDir: string) {
  const jsonPath = path.join(modelDir, 'model.json');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  json.weightsManifest[0].paths = ['group1-shard1of1'];
  renameSync(path.join(modelDir, 'group1-shard1of1.bin'), path.join(modelDir, 'group1-shard1of1'));
  writeFileSync(jsonPath, JSON.stringify(json));
}

/** The closed forms on the written pixels mapped by `map` (pixel, RGB channel -> input): logits and softmax. */
function closed(map: (p: number, c: number, px: Uint8Array, i: number) => number) {
  const x = tf.tensor4d(
    pixels.flatMap((px) => Array.from(px, (p, i) => map(p, i % 3, px, i))),
    [N, 8, 8, 3],
  );
  const z = (base.predict(x) as tf.Tensor).arraySync() as number[][];
  const probs = z.map((r) => {
    const e = r.map((v) => Math.exp(v - Math.max(...r)));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  return { z, probs, k: z.map((r) => r.indexOf(Math.max(...r))) };
}

const models = () => ({ layers: path.join(dir, 'layers/model.json'), graph: path.join(dir, 'graph/model.json') });

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-cli-models-'));
  base = residualCnn(5, [8, 8, 3], 3);
  // The LayersModel: the same network with Dense(softmax) as its last layer.
  const gap = base.getLayer('gap').output as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' });
  const withSoftmax = tf.model({ inputs: base.inputs, outputs: dense.apply(gap) as tf.SymbolicTensor });
  dense.setWeights(base.getLayer('logits').getWeights());
  await saveModelToDir(withSoftmax, path.join(dir, 'layers'));
  dropBinSuffix(path.join(dir, 'layers'));
  // The GraphModel: the converter's nodes, ending in Softmax + Identity.
  mkdirSync(path.join(dir, 'graph'));
  for (const [name, bytes] of residualGraphFiles(base, { softmax: true }).files) writeFileSync(path.join(dir, 'graph', name), bytes);
  dropBinSuffix(path.join(dir, 'graph'));
  mkdirSync(path.join(dir, 'images'));
  pixels = Array.from({ length: N }, (_, k) => Uint8Array.from({ length: 192 }, (_, i) => (k * 53 + i * 29 + ((i * i) % 17) * 7) % 256));
  pixels.forEach((px, k) => {
    const png = new PNG({ width: 8, height: 8 });
    for (let i = 0; i < 64; i++) png.data.set([px[3 * i], px[3 * i + 1], px[3 * i + 2], 255], 4 * i);
    writeFileSync(path.join(dir, 'images', `img${k}.png`), PNG.sync.write(png));
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const near = (got: number, want: number, tol = 1e-4) => expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(tol);

describe('the CLI on a LayersModel and a GraphModel from disk', () => {
  it('layers lists each model and names its logits (the input of the final softmax)', async () => {
    const l = await cli('layers', '--model', models().layers);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toMatch(/\tc2\tConv2D\t\[8,8,4\]\t/);
    expect(l.stdout).toMatch(/^logits: the output of probs, the input of the final softmax probs \(activation\)/m);
    const g = await cli('layers', '--model', models().graph);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/\tr\/Relu\tRelu\t\[8,8,4\]\tyes/);
    expect(g.stdout).not.toMatch(/\tSoftmax\t/);
    expect(g.stdout).toMatch(/^logits: the output of logits\/BiasAdd, the input of the final softmax Softmax/m);
    const j = JSON.parse((await cli('layers', '--model', models().graph, '--json')).stdout);
    expect(j.find((x: { name: string }) => x.name === 'logits/BiasAdd').logits).toEqual({ fromSoftmax: true, softmax: 'Softmax' });
  });

  for (const kind of ['layers', 'graph'] as const) {
    it(`predict (${kind}): probabilities softmaxed once, with each preset's pixel mapping`, async () => {
      const presets: [string | null, (p: number, c: number, px: Uint8Array, i: number) => number][] = [
        [null, (p) => p / 255],
        ['[-1,1]', (p) => p / 127.5 - 1],
        ['caffe', (_p, c, px, i) => px[i - c + (2 - c)] - [103.939, 116.779, 123.68][c]],
        ['imagenet', (p, c) => (p / 255 - [0.485, 0.456, 0.406][c]) / [0.229, 0.224, 0.225][c]],
      ];
      for (const [preset, map] of presets) {
        const r = await cli('predict', '--model', models()[kind], '--images', path.join(dir, 'images'), ...(preset ? ['--preprocess-preset', preset] : []));
        expect(r.code, r.stderr).toBe(0);
        const want = closed(map);
        const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
        expect(rows).toHaveLength(N);
        rows.forEach(([file, cls, prob], i) => {
          expect(file).toBe(`img${i}.png`);
          expect(Number(cls)).toBe(want.k[i]);
          near(Number(prob), want.probs[i][want.k[i]], 2e-6);
        });
      }
    });

    it(`analyze, report and ablate (${kind}): F is the logit z_k, probs softmax(z), the bundle names the logits`, async () => {
      const layer = kind === 'layers' ? 'r' : 'r/Relu';
      const out = path.join(dir, `bundle-${kind}`);
      const a = await cli('analyze', '--model', models()[kind], '--images', path.join(dir, 'images'), '--layers', layer, '--steps', '4', '--sae', 'topk', '--K', '3', '--sae-epochs', '2', '--preprocess-preset', '[-1,1]', '--out', out);
      expect(a.code, a.stderr).toBe(0);
      const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as BundleManifest;
      expect(m.model.logits).toEqual(kind === 'layers' ? { layer: 'probs', fromSoftmax: true, softmax: 'probs (activation)' } : { layer: 'logits/BiasAdd', fromSoftmax: true, softmax: 'Softmax' });
      expect(m.preprocessing).toMatchObject({ scale: 2, offset: -1, channelOrder: 'rgb' });
      const read = (f: string) => new Float32Array(Uint8Array.from(readFileSync(path.join(out, f))).buffer);
      const want = closed((p) => p / 127.5 - 1);
      const F = read(m.outputs.F.file);
      const probs = read(m.outputs.probs!.file);
      for (let i = 0; i < N; i++) {
        near(F[i], want.z[i][want.k[i]]);
        for (let c = 0; c < 3; c++) near(probs[3 * i + c], want.probs[i][c], 1e-5);
      }
      const rep = await cli('report', out);
      expect(rep.code, rep.stderr).toBe(0);
      expect(rep.stdout).toContain(layer);
      const ab = await cli('ablate', out, '--layer', layer, '--mode', '0', '--pct', '50', '--json');
      expect(ab.code, ab.stderr).toBe(0);
      const rows = JSON.parse(ab.stdout).rows as { before: number[] }[];
      rows.forEach((r, i) => r.before.forEach((v, c) => near(v, want.probs[i][c], 1e-5)));
    });
  }

  it('a card.json may name a preset: predict then maps the pixels by it without the flag', async () => {
    mkdirSync(path.join(dir, 'graph-card'));
    for (const f of ['model.json', 'group1-shard1of1']) writeFileSync(path.join(dir, 'graph-card', f), readFileSync(path.join(dir, 'graph', f)));
    writeFileSync(path.join(dir, 'graph-card/card.json'), JSON.stringify({ preprocessing: { preset: 'caffe' } }));
    const r = await cli('predict', '--model', path.join(dir, 'graph-card/model.json'), '--images', path.join(dir, 'images'));
    expect(r.code, r.stderr).toBe(0);
    const want = closed((_p, c, px, i) => px[i - c + (2 - c)] - [103.939, 116.779, 123.68][c]);
    r.stdout.trim().split('\n').slice(1).forEach((l, i) => near(Number(l.split(',')[2]), want.probs[i][want.k[i]], 2e-6));
    writeFileSync(path.join(dir, 'graph-card/card.json'), JSON.stringify({ preprocessing: { preset: 'vgg' } }));
    const bad = await cli('predict', '--model', path.join(dir, 'graph-card/model.json'), '--images', path.join(dir, 'images'));
    expect(bad.stderr.trim()).toMatch(/^codec: card\.json: preprocessing\.preset: unknown preprocessing preset "vgg"; valid presets: /);
  });

  it('an unknown preset and a missing shard are one line each, naming what is wrong', async () => {
    const bad = await cli('predict', '--model', models().graph, '--images', path.join(dir, 'images'), '--preprocess-preset', 'vgg');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^codec: --preprocess-preset: unknown preprocessing preset "vgg"; valid presets: \[0,1\], \[-1,1\], caffe, imagenet, raw/);
    mkdirSync(path.join(dir, 'noshard'));
    writeFileSync(path.join(dir, 'noshard/model.json'), readFileSync(models().graph));
    const miss = await cli('layers', '--model', path.join(dir, 'noshard/model.json'));
    expect(miss.code).toBe(1);
    expect(miss.stderr.trim()).toMatch(/^codec: group1-shard1of1: weight shard is missing \(named in model\.json's weightsManifest; no file .*noshard.group1-shard1of1\)\.$/);
  });
});
