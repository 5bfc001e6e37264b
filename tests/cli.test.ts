/**
 * The CLI end to end on a tiny model saved by the test and PNG images it writes: analyze writes a
 * bundle whose arrays match their manifest shapes, report/predict/ablate print what the engine
 * computes directly, and bad input is one line on stderr with a non-zero exit.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './helpers/cliRun';
import { saveModelToDir } from '../src/cli/fileIO';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { AblationSession } from '../src/core/ablation/ablate';
import { atomChannelScores } from '../src/core/ablation/channels';
import type { BundleManifest } from '../src/core/bundle/manifest';
import { Executor } from '../src/core/model/executor';
import { chainCnn } from './helpers/models';

const run = promisify(execFile);
let dir = '';
const bin = (...args: string[]) => run('npx', ['tsx', 'src/cli/bin.ts', ...args], { cwd: process.cwd(), maxBuffer: 32 * 2 ** 20 });

/** Runs the CLI in this process, capturing what it prints; rejects like a failed process would. */
async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCaptured(args);
  if (r.code !== 0) throw Object.assign(new Error(`exit ${r.code}`), r);
  return { stdout: r.stdout, stderr: r.stderr };
}

function png(file: string, seed: number) {
  const p = new PNG({ width: 6, height: 6 });
  for (let i = 0; i < 36; i++) {
    const v = (seed * 37 + i * 11) % 256;
    p.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(p));
}

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(path.join(os.tmpdir(), 'codec-cli-'));
  await saveModelToDir(chainCnn(), path.join(dir, 'model'));
  for (const [k, cls] of ['a', 'b', 'c'].entries()) {
    mkdirSync(path.join(dir, 'images', cls), { recursive: true });
    for (let i = 0; i < 4; i++) png(path.join(dir, 'images', cls, `img${i}.png`), k * 10 + i);
  }
  mkdirSync(path.join(dir, 'empty'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('codec CLI', () => {
  it('analyze writes a bundle whose arrays match the manifest, and prints the metrics table', async () => {
    const { stdout } = await cli('analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--layers', 'a,b', '--steps', '4', '--sae', 'topk', '--K', '6', '--sae-epochs', '5', '--out', path.join(dir, 'bundle'));
    expect(stdout).toMatch(/\| a \| 6x6x5 \| yes \|/);
    const m = JSON.parse(readFileSync(path.join(dir, 'bundle/manifest.json'), 'utf8')) as BundleManifest;
    expect(m.images).toHaveLength(12);
    expect(m.labels).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(m.classNames).toEqual(['a', 'b', 'c']);
    const sizes = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2 };
    for (const l of m.layers) {
      for (const ref of [...Object.values(l.arrays), l.sae!.contributions!.arrays.atoms]) {
        expect(statSync(path.join(dir, 'bundle', ref.file)).size).toBe(ref.shape.reduce((a, b) => a * b, 1) * sizes[ref.dtype]);
      }
      // The plain error |sum C - dF| / |dF| per image, recomputed here from the stored arrays.
      const net = new Float32Array(Uint8Array.from(readFileSync(path.join(dir, 'bundle', l.arrays.contrib_net.file))).buffer);
      const F = new Float32Array(Uint8Array.from(readFileSync(path.join(dir, 'bundle', m.outputs.F.file))).buffer);
      const F0 = new Float32Array(Uint8Array.from(readFileSync(path.join(dir, 'bundle', m.outputs.F0.file))).buffer);
      const c = l.arrays.contrib_net.shape[1];
      l.completeness!.forEach((e, i) => {
        const sum = net.subarray(i * c, (i + 1) * c).reduce((a, b) => a + b, 0);
        const dF = F[i] - F0[i];
        expect(e).not.toBeNull();
        expect(Math.abs(e! - Math.abs(sum - dF) / Math.abs(dF))).toBeLessThan(1e-4 + 1e-3 * e!);
      });
    }
    const { stdout: rep } = await cli('report', path.join(dir, 'bundle'));
    expect(rep).toMatch(/\| b \| 6x6x4 \| yes \|/);
    expect(rep).toMatch(/completeness err abs\(sum C - dF\)\/abs\(dF\)/);
    expect(rep).toMatch(/symmetric measure .* \(an extra/);
  });

  it('ablate prints the same outputs as an AblationSession on the same images', async () => {
    const { stdout } = await cli('ablate', path.join(dir, 'bundle'), '--layer', 'a', '--mode', '0', '--pct', '40', '--kind', 'destroy', '--image', '5', '--json');
    const r = JSON.parse(stdout);
    const m = JSON.parse(readFileSync(path.join(dir, 'bundle/manifest.json'), 'utf8')) as BundleManifest;
    const atomsRef = m.layers[0].sae!.contributions!.arrays.atoms;
    const atoms = new Float32Array(Uint8Array.from(readFileSync(path.join(dir, 'bundle', atomsRef.file))).buffer);
    // Independent: the image through pngjs, the model from memory.
    const img = PNG.sync.read(readFileSync(path.join(dir, 'images/b/img1.png')));
    const x = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => img.data[i * 4] / 255), [1, 6, 6, 1]);
    const { model } = await loadModelFromDisk(path.join(dir, 'model/model.json'));
    const s = new AblationSession(new Executor(model), x, 'a');
    const want = s.ablate(atomChannelScores(atoms.subarray(0, atomsRef.shape[1]), 5), 40, 'destroy');
    s.dispose();
    x.dispose();
    expect(r.rows[0].image).toBe('b/img1.png');
    r.rows[0].after.forEach((v: number, i: number) => expect(v).toBeCloseTo(want.after[i], 5));
    r.rows[0].before.forEach((v: number, i: number) => expect(v).toBeCloseTo(want.before[i], 5));
  });

  it('ablate --scale: 1 changes nothing, 0 equals destroy, 2.5 prints the scaled accuracy; out of range refused', async () => {
    const b = path.join(dir, 'bundle');
    const args = ['ablate', b, '--layer', 'a', '--mode', '0', '--pct', '40'];
    const one = JSON.parse((await cli(...args, '--scale', '1', '--json')).stdout);
    expect(one.kind).toBe('scale');
    expect(one.scale).toBe(1);
    for (const row of one.rows) row.after.forEach((v: number, i: number) => expect(Math.abs(v - row.before[i])).toBeLessThanOrEqual(1e-6));
    const zero = JSON.parse((await cli(...args, '--scale', '0', '--json')).stdout);
    const destroy = JSON.parse((await cli(...args, '--kind', 'destroy', '--json')).stdout);
    expect(zero.rows.map((r: { after: number[] }) => r.after)).toEqual(destroy.rows.map((r: { after: number[] }) => r.after));
    const { stdout } = await cli(...args, '--scale', '2.5');
    expect(stdout).toMatch(/^# scale x2\.5 2\/5 channels \(40\.0%\) of contributions mode 0 at a: \[\d, \d\]$/m);
    expect(stdout).toMatch(/^# accuracy before \d\.\d{4}, after \d\.\d{4}$/m);
    // A negative factor: `--scale=-2` (with a space the parser takes -2 for an option).
    const neg = JSON.parse((await cli(...args, '--scale=-2', '--json')).stdout);
    expect(neg.scale).toBe(-2);
    expect(neg.rows.some((r: { after: number[]; before: number[] }) => r.after.some((v, i) => Math.abs(v - r.before[i]) > 1e-6))).toBe(true);
    const err = await cli(...args, '--scale', '3.5').then(() => null, (e: { stderr: string }) => e);
    expect(err?.stderr).toMatch(/ablate: --scale must be in \[-2, 3\] \(1 = unchanged, 0 = destroy\), but got 3\.5\./);
  });

  it('labels from a subset of the class folders map to the model\'s outputs, or are refused', async () => {
    // Two of the model's three classes on disk: sorted folder names alone would call c class 1.
    for (const cls of ['a', 'c']) {
      mkdirSync(path.join(dir, 'subset', cls), { recursive: true });
      for (let i = 0; i < 2; i++) png(path.join(dir, 'subset', cls, `img${i}.png`), i);
    }
    writeFileSync(path.join(dir, 'classes.txt'), 'a\nb\nc\n');
    const base = ['analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'subset'), '--layers', 'a', '--steps', '2', '--sae', 'none'];
    await cli(...base, '--classes', path.join(dir, 'classes.txt'), '--out', path.join(dir, 'subset-bundle'));
    const m = JSON.parse(readFileSync(path.join(dir, 'subset-bundle/manifest.json'), 'utf8')) as BundleManifest;
    expect(m.classNames).toEqual(['a', 'b', 'c']);
    expect(m.labels).toEqual([0, 0, 2, 2]);
    const err = await cli(...base, '--out', path.join(dir, 'subset-x')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.stderr).toMatch(/2 distinct names \(a, c\) give 2 class names, but the model has 3 outputs; give the model's class names/);
  });

  it('predict prints one CSV line per image (through the real entry point)', async () => {
    const { stdout } = await bin('predict', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'));
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('file,class,prob');
    expect(lines).toHaveLength(13);
    expect(lines[1]).toMatch(/^a\/img0\.png,[abc],0\.\d+$/);
  });

  it('bad input gives one line on stderr and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'empty'), '--layers', 'a', '--out', path.join(dir, 'x')], /no PNG or JPEG images found/],
      [['analyze', '--model', path.join(dir, 'nope/model.json'), '--images', path.join(dir, 'images'), '--layers', 'a', '--out', path.join(dir, 'x')], /cannot read the file/],
      [['analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--layers', 'zzz', '--out', path.join(dir, 'x')], /unknown layer zzz/],
      [['analyze', '--model', path.join(dir, 'model/model.json'), '--images', path.join(dir, 'images'), '--layers', 'a', '--steps', '0', '--out', path.join(dir, 'x')], /--steps must be an integer >= 1/],
      [['report', path.join(dir, 'missing')], /no such folder or zip file/],
    ];
    for (const [args, re] of cases) {
      const err = await cli(...args).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err, args.join(' ')).not.toBeNull();
      expect(err!.code).toBe(1);
      const lines = err!.stderr.trim().split('\n').filter((l) => l.startsWith('codec:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
  });
});
