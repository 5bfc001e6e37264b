/**
 * TEMPORARY stand-in for src/core/pipeline/analyze (being written): the same signature, returning
 * a bundle file map with contributions, activations, completeness and the target values, and no
 * dictionaries (the app then shows channels in place of modes). Delete when analyze() lands.
 */
import { collectAttributions } from '../core/pipeline/collect';
import type { InputSet } from '../core/pipeline/imageBatch';
import type { Executor } from '../core/model/executor';
import type { ArrayRef, BundleManifest, LayerRecord, Preprocessing } from '../core/bundle/manifest';
import type { TargetSpec } from '../core/attribution/targets';
import type { MethodName } from '../core/attribution/attribute';
import { layerMetrics } from '../core/pipeline/layerMetrics';

export interface ShimOptions {
  layers: string[];
  method: MethodName;
  target: TargetSpec;
  steps: number;
  baseline: 'zeros' | 'blur' | 'mean';
  reduction?: 'ei' | 'net';
  classNames: string[];
  preprocessing: Preprocessing;
  modelName: string;
  modelHash: string;
  backend: string;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
}

export async function analyzeShim(exec: Executor, set: InputSet, o: ShimOptions): Promise<Map<string, Uint8Array>> {
  const col = await collectAttributions(exec, set, {
    layers: o.layers,
    method: o.method,
    steps: o.steps,
    target: o.target,
    baseline: o.baseline === 'mean' ? 'zeros' : o.baseline,
    batchSize: 16,
    // Bounded chunks (16 images x 8 path points per pass) so a cancel lands within a fraction of a second.
    alphaChunk: 8,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const files = new Map<string, Uint8Array>();
  const put = (file: string, a: Float32Array | Int32Array, shape: number[]): ArrayRef => {
    files.set(file, new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
    return { file, dtype: a instanceof Float32Array ? 'float32' : 'int32', shape };
  };
  const n = set.n;
  const layers: LayerRecord[] = col.layers.map((l) => {
    const C = l.channels;
    const info = exec.layer(l.name);
    return {
      name: l.name,
      className: info.className,
      outputShape: l.shape,
      isCut: info.isCut,
      arrays: {
        contrib_net: put(`${l.name}/contrib_net.bin`, l.net, [n, C]),
        contrib_ei: put(`${l.name}/contrib_ei.bin`, l.ei, [n, 2 * C]),
        act_net: put(`${l.name}/act_net.bin`, l.actNet, [n, C]),
      },
      completeness: l.completeness ? Array.from(l.completeness) : null,
      metrics: layerMetrics(l, col.F, col.F0),
    };
  });
  const manifest: BundleManifest = {
    format: 'codec-bundle',
    version: 1,
    createdAt: new Date().toISOString(),
    model: { path: 'model.json', sha256: o.modelHash, name: o.modelName },
    settings: { method: o.method, target: o.target.kind as 'logit', targetClass: null, steps: o.steps, baseline: o.baseline, reduction: o.reduction ?? 'ei', seed: 0, backend: o.backend },
    preprocessing: o.preprocessing,
    images: set.names,
    labels: set.labels,
    classNames: o.classNames,
    outputs: {
      F: put('outputs/F.bin', col.F, [n]),
      F0: put('outputs/F0.bin', col.F0, [n]),
      targetClass: put('outputs/target_class.bin', col.targetClass, [n]),
      probs: put('outputs/probs.bin', col.probs, [n, col.numClasses]),
    },
    layers,
  };
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return files;
}
