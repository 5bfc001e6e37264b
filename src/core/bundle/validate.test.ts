import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './manifest';
import { validateManifest } from './validate';

/** A valid manifest for 2 images, its files' sizes, and a `sizeOf` over them. */
function fixture(): { m: BundleManifest; sizes: Map<string, number>; sizeOf: (f: string) => number | undefined } {
  const ref = (file: string, dtype: 'float32' | 'int32', shape: number[]) => ({ file, dtype, shape });
  const m: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: 'x',
    model: { path: 'model.json', sha256: 'x' },
    settings: { method: 'conductance', target: 'logit', targetClass: null, steps: 8, baseline: 'zeros', reduction: 'net', seed: 0, backend: 'cpu' },
    preprocessing: { height: 4, width: 4, channels: 3, scale: 1, offset: 0, mean: [0, 0, 0], std: [1, 1, 1] },
    images: ['a.png', 'b.png'],
    labels: [0, 1],
    classNames: ['cat', 'dog'],
    outputs: { F: ref('F.bin', 'float32', [2]), F0: ref('F0.bin', 'float32', [2]), targetClass: ref('k.bin', 'int32', [2]) },
    layers: [
      {
        name: 'conv1', className: 'Conv2D', outputShape: [4, 4, 3], isCut: true, completeness: [0.01, 0.02],
        arrays: { contrib_net: ref('conv1/net.bin', 'float32', [2, 3]) },
        sae: {
          contributions: {
            config: { kind: 'topk', source: 'contributions', reduction: 'net', inputDim: 3, K: 5, epochs: 1, std: 1, trainLoss: [], valLoss: [], r2Global: 1, r2PerFeature: 1, stoppedEarly: false },
            aliveModes: [0, 4],
            arrays: { atoms: ref('conv1/atoms.bin', 'float32', [5, 3]), codes: { rowPtr: ref('conv1/rp.bin', 'int32', [3]), colIdx: ref('conv1/ci.bin', 'int32', [2]), values: ref('conv1/v.bin', 'float32', [2]), shape: [2, 5] } },
          },
        },
      },
    ],
  };
  const sizes = new Map<string, number>([['F.bin', 8], ['F0.bin', 8], ['k.bin', 8], ['conv1/net.bin', 24], ['conv1/atoms.bin', 60], ['conv1/rp.bin', 12], ['conv1/ci.bin', 8], ['conv1/v.bin', 8]]);
  return { m, sizes, sizeOf: (f) => sizes.get(f) };
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('validateManifest', () => {
  it('validateManifest accepts a consistent manifest with or without file sizes', () => {
    const { m, sizeOf } = fixture();
    expect(validateManifest(copy(m), sizeOf).images).toEqual(['a.png', 'b.png']);
    expect(() => validateManifest(copy(m))).not.toThrow();
  });

  it('validateManifest rejects a wrong format or version', () => {
    const { m, sizeOf } = fixture();
    expect(() => validateManifest({ ...copy(m), version: 3 }, sizeOf)).toThrow(/^bundle: manifest\.json: unsupported version 3 \(this app reads versions 1 and 2; it writes 2\)\.$/);
    expect(validateManifest({ ...copy(m), version: 1 }, sizeOf).version).toBe(1);
    expect(() => validateManifest({ ...copy(m), format: 'zip' }, sizeOf)).toThrow(/^bundle: manifest\.json: format must be "codec-bundle", but got "zip"\.$/);
    expect(() => validateManifest([], sizeOf)).toThrow(/^bundle: manifest\.json: expected a JSON object, but got a list\.$/);
  });

  it('validateManifest rejects a missing file and a wrong byte size, naming the file', () => {
    const { m, sizes, sizeOf } = fixture();
    sizes.delete('conv1/net.bin');
    expect(() => validateManifest(copy(m), sizeOf)).toThrow(/^bundle: conv1\/net\.bin: missing \(the manifest lists it for conv1\.contrib_net\)\.$/);
    sizes.set('conv1/net.bin', 20);
    expect(() => validateManifest(copy(m), sizeOf)).toThrow(/^bundle: conv1\/net\.bin: 20 bytes, but shape \[2,3\] of float32 needs 24\.$/);
  });

  it('validateManifest rejects shapes that disagree with the image count or with each other', () => {
    const { m, sizes, sizeOf } = fixture();
    const a = copy(m);
    a.images.push('c.png');
    a.labels!.push(0);
    expect(() => validateManifest(a, sizeOf)).toThrow(/^bundle: F\.bin: 2 rows \(shape \[2\]\), but the bundle has 3 images\.$/);
    const b = copy(m);
    b.layers[0].sae!.contributions!.arrays.codes.shape = [2, 4];
    expect(() => validateManifest(b, sizeOf)).toThrow(/^bundle: manifest\.json: conv1\.sae\.contributions\.codes is 2x4, but expected 2 images x 5 modes \(the atoms' rows\)\.$/);
    const c = copy(m);
    c.layers[0].sae!.contributions!.arrays.codes.rowPtr.shape = [2];
    sizes.set('conv1/rp.bin', 8);
    expect(() => validateManifest(c, sizeOf)).toThrow(/^bundle: conv1\/rp\.bin: shape \[2\], but expected \[3\]\.$/);
    const d = copy(m);
    d.layers[0].completeness = [0];
    expect(() => validateManifest(d)).toThrow(/^bundle: manifest\.json: conv1\.completeness must be null or 2 numbers \(one per image\)\.$/);
  });

  it('validateManifest rejects bad labels, preprocessing, dtypes and paths', () => {
    const { m, sizeOf } = fixture();
    expect(() => validateManifest({ ...copy(m), labels: [0] }, sizeOf)).toThrow(/^bundle: manifest\.json: labels must be 2 integers \(one per image\), but got 1 entries\.$/);
    expect(() => validateManifest({ ...copy(m), labels: [0, 2] }, sizeOf)).toThrow(/^bundle: manifest\.json: label 2 of image b\.png is outside \[0, 2\)\.$/);
    const p = copy(m);
    p.preprocessing.std = [1, 0, 1];
    expect(() => validateManifest(p, sizeOf)).toThrow(/^bundle: manifest\.json: preprocessing: std must hold 3 finite non-zero number\(s\), but got \[1,0,1\]\.$/);
    const t = copy(m);
    (t.outputs.F as { dtype: string }).dtype = 'float64';
    expect(() => validateManifest(t, sizeOf)).toThrow(/^bundle: F\.bin: unknown dtype "float64"/);
    const u = copy(m);
    u.outputs.F.file = '../F.bin';
    expect(() => validateManifest(u)).toThrow(/^bundle: manifest\.json: outputs\.F: file "\.\.\/F\.bin" is not a relative path inside the bundle\.$/);
  });
});
