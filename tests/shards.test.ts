/**
 * Shards (#26) end to end through the CLI, from files on disk: a tiny model and 15 PNG images in
 * three class folders; `analyze --shard i/4` four times, then `merge`, equals one `analyze` run:
 * contributions within 1e-6 x the layer's scale, F and probs equal, metrics and SAEs (same seed)
 * equal array for array. A part of another model, a missing shard and a duplicate shard are each
 * refused in one line naming the part or the shard; `fit` refits a bundle's SAEs with another K.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './helpers/cliRun';
import { saveModelToDir } from '../src/cli/fileIO';
import { useNodeBackend } from '../src/cli/nodeBackend';
import type { ArrayRef, BundleManifest } from '../src/core/bundle/manifest';
import { chainCnn } from './helpers/models';

let dir = '';
const j = (...p: string[]) => path.join(dir, ...p);

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCaptured(args);
  if (r.code !== 0) throw Object.assign(new Error(`exit ${r.code}: ${r.stderr.split('\n').at(-1)}`), r);
  return r;
}

/** The one error line of a failing command (and that there is exactly one). */
async function errorLine(...args: string[]): Promise<string> {
  const r = await runCaptured(args);
  expect(r.code).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('codec:'));
  expect(lines).toHaveLength(1);
  expect(r.stderr.trim().split('\n').at(-1)).toBe(lines[0]);
  return lines[0];
}

function png(file: string, seed: number) {
  const p = new PNG({ width: 6, height: 6 });
  for (let i = 0; i < 36; i++) {
    const v = (seed * 53 + i * 29 + ((seed * i) % 17) * 7) % 256;
    p.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(p));
}

const manifest = (b: string) => JSON.parse(readFileSync(j(b, 'manifest.json'), 'utf8')) as BundleManifest;
function array(b: string, ref: ArrayRef): Float32Array | Int32Array {
  const buf = Uint8Array.from(readFileSync(j(b, ref.file))).buffer;
  return ref.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
}

const common = ['--images', '', '--layers', 'a,b', '--steps', '4', '--seed', '3'];
const analyzeArgs = (model = 'model') => {
  const c = [...common];
  c[1] = j('images');
  return ['analyze', '--model', j(model, 'model.json'), ...c];
};
const sae = ['--sae', 'topk', '--K', '6', '--sae-steps', '40'];
let shards: string[] = [];

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-shards-'));
  shards = [0, 1, 2, 3].map((i) => j(`s${i}`));
  await saveModelToDir(chainCnn(), j('model'));
  await saveModelToDir(chainCnn(41), j('other'));
  for (const [k, cls] of ['a', 'b', 'c'].entries()) {
    mkdirSync(j('images', cls), { recursive: true });
    for (let i = 0; i < 5; i++) png(j('images', cls, `img${i}.png`), k * 10 + i + 1);
  }
  await cli(...analyzeArgs(), ...sae, '--out', j('one'));
  for (const [i, s] of shards.entries()) await cli(...analyzeArgs(), '--shard', `${i}/4`, '--out', s);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyze --shard and merge', () => {
  it('shards are partial bundles of contiguous image ranges, without metrics or SAEs', () => {
    const ranges = shards.map((s) => manifest(path.basename(s)).partial!.shard);
    expect(ranges.map((r) => r.imageRange)).toEqual([[0, 3], [3, 7], [7, 11], [11, 15]]);
    expect(ranges.every((r) => r.count === 4 && r.totalImages === 15)).toBe(true);
    const m = manifest('s1');
    expect(m.images).toEqual(manifest('one').images.slice(3, 7));
    expect(m.layers.every((l) => !l.sae && !l.metrics)).toBe(true);
  });

  it('4 shards merged equal one run: contributions, outputs, metrics and SAEs', async () => {
    // In any order; the merged bundle's model path is rewritten relative to its own folder.
    await cli('merge', shards[2], shards[0], shards[3], shards[1], ...sae, '--out', j('merged'));
    const a = manifest('one');
    const b = manifest('merged');
    expect(b.partial).toBeUndefined();
    expect(path.resolve(j('merged'), b.model.path)).toBe(j('model', 'model.json'));
    expect(b.model.sha256).toBe(a.model.sha256);
    expect(b.images).toEqual(a.images);
    expect(b.labels).toEqual(a.labels);
    expect(b.settings).toEqual(a.settings);
    for (const k of ['F', 'F0', 'targetClass', 'probs'] as const) expect(Array.from(array('merged', b.outputs[k]!))).toEqual(Array.from(array('one', a.outputs[k]!)));
    for (const [li, la] of a.layers.entries()) {
      const lb = b.layers[li];
      expect(lb.name).toBe(la.name);
      for (const kind of ['contrib_net', 'contrib_ei', 'act_net']) {
        const x = Array.from(array('one', la.arrays[kind]));
        const y = Array.from(array('merged', lb.arrays[kind]));
        expect(y.length).toBe(x.length);
        const scale = x.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
        const diff = x.reduce((s, v, i) => Math.max(s, Math.abs(v - y[i])), 0);
        expect(diff).toBeLessThanOrEqual(1e-6 * scale);
      }
      expect(lb.completeness).toEqual(la.completeness);
      expect(lb.metrics).toEqual(la.metrics);
      for (const src of ['contributions', 'activations'] as const) {
        const sa = la.sae![src]!;
        const sb = lb.sae![src]!;
        expect(sb.config).toEqual(sa.config);
        expect(sb.aliveModes).toEqual(sa.aliveModes);
        expect(Array.from(array('merged', sb.arrays.atoms))).toEqual(Array.from(array('one', sa.arrays.atoms)));
        for (const part of ['rowPtr', 'colIdx', 'values'] as const) expect(Array.from(array('merged', sb.arrays.codes[part]))).toEqual(Array.from(array('one', sa.arrays.codes[part])));
      }
    }
  }, 120_000);

  it('a part of another model is refused in one line naming the part and the field', async () => {
    await cli('analyze', '--model', j('other', 'model.json'), ...analyzeArgs().slice(3), '--shard', '2/4', '--out', j('x2'));
    const line = await errorLine('merge', shards[0], shards[1], j('x2'), shards[3], '--out', j('bad'));
    expect(line).toMatch(/^codec: merge: .*x2: model\.sha256 differs from .*s0/);
  });

  it('a part with other settings is refused naming the field; report says a shard is partial', async () => {
    await cli(...analyzeArgs(), '--steps', '5', '--shard', '1/4', '--out', j('x1'));
    expect(await errorLine('merge', shards[0], j('x1'), shards[2], shards[3], '--out', j('bad'))).toMatch(/^codec: merge: .*x1: settings\.steps differs from .*s0 \(5 vs 4\)/);
    expect((await cli('report', shards[2])).stdout).toMatch(/shard 2\/4: images 7\.\.10 of 15, contributions only/);
  });

  it('a missing shard and a duplicate shard are each refused in one line naming the shard', async () => {
    expect(await errorLine('merge', shards[0], shards[1], shards[3], '--out', j('bad'))).toMatch(/^codec: merge: shard 2\/4 missing/);
    expect(await errorLine('merge', shards[0], shards[1], shards[1], shards[2], shards[3], '--out', j('bad'))).toMatch(/^codec: merge: shard 1\/4 given twice \(.*s1 and .*s1\)/);
    expect(await errorLine('merge', shards[0], j('one'), '--out', j('bad'))).toMatch(/^codec: merge: .*one: not a shard/);
  });

  it('fit refits a whole bundle with other SAE settings; a shard is refused', async () => {
    await cli('fit', j('one'), '--sae', 'topk', '--K', '4', '--sae-steps', '20', '--sae-on', 'contributions', '--out', j('refit'));
    const m = manifest('refit');
    const one = manifest('one');
    expect(m.layers.map((l) => l.sae?.contributions?.config.K)).toEqual([4, 4]);
    expect(m.layers.every((l) => !l.sae?.activations)).toBe(true);
    expect(m.layers.map((l) => l.metrics?.hoyerContrib)).toEqual(one.layers.map((l) => l.metrics?.hoyerContrib));
    expect(m.model.sha256).toBe(one.model.sha256);
    expect(await errorLine('fit', shards[0], '--out', j('bad'))).toMatch(/^codec: fit: .*s0 is shard 0\/4/);
  }, 60_000);
});
