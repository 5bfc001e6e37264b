import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest, type DType } from './manifest';
import { readBundle } from './reader';
import { BundleWriter } from './writer';

/** A minimal valid manifest for `n` images whose outputs are written by `w`. */
function manifest(w: BundleWriter, n: number): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: '2026-01-01T00:00:00Z',
    model: { path: 'model.json', sha256: '0'.repeat(64) },
    settings: { method: 'conductance', target: 'logit', targetClass: null, steps: 10, baseline: 'zeros', reduction: 'net', seed: 0, backend: 'cpu' },
    preprocessing: { height: 2, width: 2, channels: 1, scale: 1, offset: 0, mean: [0], std: [1] },
    images: Array.from({ length: n }, (_, i) => `img${i}.png`),
    classNames: ['a', 'b'],
    outputs: {
      F: w.add('outputs/F.bin', Float32Array.from({ length: n }, (_, i) => i + 0.5), 'float32', [n]),
      F0: w.add('outputs/F0.bin', new Float32Array(n), 'float32', [n]),
      targetClass: w.add('outputs/target_class.bin', new Int32Array(n), 'int32', [n]),
    },
    layers: [],
  };
}

describe('BundleWriter -> readBundle', () => {
  it('readBundle returns what BundleWriter wrote, for every dtype', async () => {
    const w = new BundleWriter();
    const m = manifest(w, 3);
    const values: Record<DType, number[]> = {
      float32: [1.5, -2, 3e-8, 1e30, 0, -0.25],
      float16: [1, -2, 0.5, 65504, 2 ** -24, 0.0999755859375], // all exactly representable in half (the last is 0x2e66)
      int32: [-(2 ** 31), 2 ** 31 - 1, 0, -1, 7, 42],
      uint8: [0, 1, 127, 128, 254, 255],
      uint16: [0, 1, 255, 256, 65534, 65535],
    };
    const refs = Object.entries(values).map(([dtype, v]) => w.add(`layers/l/${dtype}.bin`, v, dtype as DType, [3, 2]));
    m.layers.push({ name: 'l', className: 'Conv2D', outputShape: [2], isCut: true, arrays: Object.fromEntries(refs.map((r) => [r.dtype, r])), completeness: [0, 0.5, 1] });
    const b = await readBundle(w.finish(m));
    for (const ref of refs) {
      const got = Array.from(await b.getArray(ref));
      if (ref.dtype === 'float32' || ref.dtype === 'float16') expect(got).toEqual(values[ref.dtype].map(Math.fround));
      else expect(got).toEqual(values[ref.dtype]);
    }
    expect(Array.from(await b.getArray(m.outputs.F))).toEqual([0.5, 1.5, 2.5]);
    expect(b.manifest.layers[0].completeness).toEqual([0, 0.5, 1]);
  });

  it('a float32 (B x C) array is row-major little-endian bytes, as numpy.fromfile(f, "<f4").reshape(B, C) reads it', () => {
    const B = 3;
    const C = 4;
    const value = (b: number, c: number) => 10 * b + c + 0.25;
    const w = new BundleWriter();
    const dense = Float32Array.from({ length: B * C }, (_, i) => value(Math.floor(i / C), i % C));
    const ref = w.add('layers/l/contrib_net.bin', dense, 'float32', [B, C]);
    const bytes = w.files.get(ref.file)!;
    expect(bytes.length).toBe(B * C * 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) expect(view.getFloat32((b * C + c) * 4, true)).toBe(value(b, c));
    expect(ref).toEqual({ file: 'layers/l/contrib_net.bin', dtype: 'float32', shape: [3, 4] });
  });

  it('readBundle reads SAE codes as CSR and dense', async () => {
    const w = new BundleWriter();
    const m = manifest(w, 3);
    const codes = w.addCsr('layers/l/sae/codes', [0, 0.9, 0, 0, 0, 0.85], 3, 2);
    const atoms = w.add('layers/l/sae/atoms.bin', [1, 0, 0, 1], 'float32', [2, 2]);
    expect(Array.from(w.files.get(codes.rowPtr.file)!)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]); // int32 LE 0,1,1,2
    m.layers.push({
      name: 'l', className: 'Dense', outputShape: [2], isCut: true, arrays: {}, completeness: null,
      sae: { contributions: { config: { kind: 'topk', source: 'contributions', reduction: 'net', inputDim: 2, K: 2, epochs: 1, std: 1, trainLoss: [1], valLoss: [NaN], r2Global: 0.5, r2PerFeature: 0.5, stoppedEarly: false }, aliveModes: [0, 1], arrays: { atoms, codes } } },
    });
    const b = await readBundle(w.finish(m));
    const csr = await b.getCsr(codes);
    expect([Array.from(csr.rowPtr), Array.from(csr.colIdx), csr.rows, csr.cols]).toEqual([[0, 1, 1, 2], [1, 1], 3, 2]);
    expect(Array.from(await b.getDense(codes))).toEqual([0, 0.9, 0, 0, 0, 0.85].map(Math.fround));
    expect(b.manifest.layers[0].sae!.contributions!.config.valLoss).toEqual([null]); // NaN is written as null
  });

  it('readBundle over a fetch-like source reads lazily, caches, and retries a failed read', async () => {
    const w = new BundleWriter();
    const files = w.finish(manifest(w, 2));
    const calls: string[] = [];
    let flaky = true;
    const b = await readBundle(async (f) => {
      calls.push(f);
      if (f === 'outputs/F.bin' && flaky) {
        flaky = false;
        throw new Error('network down');
      }
      return files.get(f)!;
    });
    expect(calls).toEqual(['manifest.json']);
    await expect(b.getArray(b.manifest.outputs.F)).rejects.toThrow(/^bundle: outputs\/F\.bin: cannot read \(network down\)\.$/);
    expect(Array.from(await b.getArray(b.manifest.outputs.F))).toEqual([0.5, 1.5]);
    await b.getArray(b.manifest.outputs.F);
    expect(calls.filter((c) => c === 'outputs/F.bin').length).toBe(2);
    await expect(b.getFile('../secret')).rejects.toThrow(/^bundle: \.\.\/secret: not a relative path inside the bundle\.$/);
  });

  it('readBundle refuses a manifest that is not JSON or is missing', async () => {
    await expect(readBundle(new Map([['manifest.json', new Uint8Array([123])]]))).rejects.toThrow(/^bundle: manifest\.json: not valid JSON/);
    await expect(readBundle(new Map())).rejects.toThrow(/^bundle: manifest\.json: missing\.$/);
  });
});

describe('BundleWriter', () => {
  it('BundleWriter refuses duplicate or unsafe paths, wrong lengths and an inconsistent manifest', () => {
    const w = new BundleWriter();
    w.add('a.bin', [1], 'float32', [1]);
    expect(() => w.add('a.bin', [1], 'float32', [1])).toThrow(/^BundleWriter: a\.bin: already written\.$/);
    expect(() => w.add('../x.bin', [1], 'float32', [1])).toThrow(/^BundleWriter: "\.\.\/x\.bin": expected a relative path inside the bundle/);
    expect(() => w.add('/abs.bin', [1], 'float32', [1])).toThrow(/expected a relative path/);
    expect(() => w.addBytes('manifest.json', new Uint8Array(1))).toThrow(/expected a relative path/);
    expect(() => w.add('b.bin', [1, 2, 3], 'float32', [2, 2])).toThrow(/^bundle: b\.bin: 3 values, but shape \[2,2\] needs 4\.$/);
    const m = manifest(w, 2);
    m.outputs.F = { file: 'outputs/F.bin', dtype: 'float32', shape: [3] };
    expect(() => w.finish(m)).toThrow(/^bundle: outputs\/F\.bin: 3 rows \(shape \[3\]\), but the bundle has 2 images\.$/);
  });
});
