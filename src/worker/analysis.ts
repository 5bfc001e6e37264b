/**
 * One analysis as the worker holds it: a bundle (loaded or just computed) and the views the
 * panels ask for, computed from its arrays on demand and cached.
 */
import type { BundleManifest, LayerRecord, SaeRecord } from '../core/bundle/manifest';
import type { BundleSummary, ClassMatrix, Decomposition, LayerView, ModeGrid, Source, SpriteData } from './api';
import type { BundleFiles } from './bundleFiles';
import { classMatrix } from './views/classMatrix';
import { decomposition, type ImageOutputs } from './views/decomposition';
import { modeGrid, type LayerModes } from './views/modes';
import { argMax } from './views/stats';

const finite = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

function fail(msg: string, name = 'InputError'): never {
  throw Object.assign(new Error(msg), { name });
}

export class Analysis {
  readonly manifest: BundleManifest;
  readonly outputs: ImageOutputs;
  private modes = new Map<string, LayerModes>();
  private grids = new Map<string, ModeGrid>();

  constructor(
    readonly bundle: BundleFiles,
    readonly id: string,
    readonly origin: BundleSummary['origin'],
    /** Where the bundle came from (for model.path), when a URL. */
    readonly baseUrl: string | null,
    readonly partial = false,
    /** An uploaded set's thumbnails, when the bundle has no sprite. */
    private readonly extraSprite: SpriteData | null = null,
    /** The layer whose SAE training a cancel cut short, if any. */
    readonly cutShort: string | null = null,
  ) {
    this.manifest = bundle.manifest;
    const m = this.manifest;
    const n = m.images.length;
    const probs = m.outputs.probs ? bundle.float(m.outputs.probs) : null;
    const nClasses = probs ? probs.length / n : m.classNames.length;
    const predicted = new Int32Array(n);
    if (probs) for (let i = 0; i < n; i++) predicted[i] = argMax(probs, i * nClasses, (i + 1) * nClasses);
    else predicted.set(bundle.int(m.outputs.targetClass));
    this.outputs = {
      F: bundle.float(m.outputs.F),
      F0: bundle.float(m.outputs.F0),
      targetClass: bundle.int(m.outputs.targetClass),
      predicted,
      labels: m.labels ? Int32Array.from(m.labels) : null,
      probs,
      nClasses,
    };
  }

  get count(): number {
    return this.manifest.images.length;
  }

  layer(name: string): LayerRecord {
    const l = this.manifest.layers.find((x) => x.name === name);
    if (!l) fail(`analysis: layer ${name} is not in this analysis (it has ${this.manifest.layers.map((x) => x.name).join(', ')}).`);
    return l;
  }

  summary(hasModel: boolean): BundleSummary {
    const m = this.manifest;
    const layers: LayerView[] = m.layers.map((l, index) => {
      const mt = l.metrics;
      const modes: LayerView['modes'] = {};
      const modeKind: LayerView['modeKind'] = {};
      const dictionaries: LayerView['dictionaries'] = {};
      const C = l.outputShape[l.outputShape.length - 1];
      for (const src of ['contributions', 'activations'] as const) {
        const s = l.sae?.[src];
        if (s) {
          modes[src] = s.aliveModes.length;
          modeKind[src] = 'dictionary';
          const c = s.config;
          dictionaries[src] = { kind: c.kind, K: c.K, alive: s.aliveModes.length, r2: finite(c.r2Global), trainLoss: c.trainLoss ?? [], valLoss: c.valLoss ?? [], epochs: c.epochs, quality: c.quality };
        } else if (l.arrays[src === 'contributions' ? 'contrib_net' : 'act_net']) {
          modes[src] = C;
          modeKind[src] = 'channels';
        }
      }
      return {
        name: l.name,
        className: l.className,
        outputShape: l.outputShape,
        isCut: l.isCut,
        index,
        channels: l.outputShape[l.outputShape.length - 1],
        metrics: {
          hoyerContrib: finite(mt?.hoyerContrib),
          hoyerAct: finite(mt?.hoyerAct),
          dimContrib: finite(mt?.dimContrib),
          dimAct: finite(mt?.dimAct),
          pnCorr: finite(mt?.pnCorr),
          // The plain error |sum C - dF| / |dF| (a version 1 bundle was upgraded on reading, core/bundle/upgrade.ts).
          completenessMedian: finite(mt?.completenessMedian),
          completenessP90: finite(mt?.completenessP90),
          completenessUnder5: finite(mt?.completenessUnder5),
          completenessTiny: mt?.completenessTiny,
          completenessTinyGapMax: finite(mt?.completenessTinyGapMax),
          completenessSymmetricMedian: finite(mt?.completenessSymmetricMedian),
          stepChangeMedian: finite(mt?.stepChangeMedian),
          stepChangeSample: mt?.stepChangeSample,
        },
        completeness: l.completeness ?? null,
        completenessGap: l.completenessGap ?? null,
        stepsUsed: l.stepsUsed ?? null,
        modes,
        modeKind,
        dictionaries,
        reduction: l.sae?.contributions?.config.reduction ?? null,
      };
    });
    let sprite: SpriteData | null = this.extraSprite;
    if (!sprite && m.sprite && this.bundle.files.has(m.sprite.file)) {
      const rows = Math.ceil(this.count / m.sprite.cols);
      sprite = { png: this.bundle.files.get(m.sprite.file), width: m.sprite.cols * m.sprite.cellWidth, height: rows * m.sprite.cellHeight, cols: m.sprite.cols, cellWidth: m.sprite.cellWidth, cellHeight: m.sprite.cellHeight };
    }
    return {
      id: this.id,
      origin: this.origin,
      modelName: m.model.name ?? m.model.path.split('/').slice(-2, -1)[0] ?? 'model',
      modelHash: m.model.sha256,
      hasModel,
      settings: { method: m.settings.method, target: m.settings.target, steps: m.settings.steps, baseline: m.settings.baseline, reduction: m.settings.reduction, backend: m.settings.backend, stepsAuto: m.settings.stepsAuto ?? null, tinyDF: m.settings.tinyDF ?? null },
      classNames: m.classNames,
      images: { count: this.count, names: m.images, labels: this.outputs.labels, predicted: this.outputs.predicted, F: this.outputs.F, F0: this.outputs.F0, targetClass: this.outputs.targetClass },
      layers,
      sprite,
      partial: this.partial,
      cutShort: this.cutShort,
      createdAt: m.createdAt,
    };
  }

  sae(layer: string, source: Source): SaeRecord {
    const s = this.layer(layer).sae?.[source];
    if (!s) fail(`analysis: layer ${layer} has no ${source === 'contributions' ? 'contribution' : 'activation'} modes (no dictionary was trained).`);
    return s;
  }

  layerModes(layer: string, source: Source): LayerModes {
    const key = `${layer}|${source}`;
    let lm = this.modes.get(key);
    if (lm) return lm;
    const rec = this.layer(layer);
    if (!rec.sae?.[source]) {
      lm = this.channelModes(rec, source);
      this.modes.set(key, lm);
      return lm;
    }
    const s = this.sae(layer, source);
    const atoms = this.bundle.float(s.arrays.atoms);
    const [K, d] = s.arrays.atoms.shape;
    const codes = this.bundle.csr(s.arrays.codes);
    if (codes.shape[0] !== this.count || codes.shape[1] !== K) fail(`analysis: ${layer} ${source} codes are ${codes.shape.join('x')}, expected ${this.count}x${K}.`, 'BundleError');
    const nClasses = s.classCorr ? s.classCorr.shape[1] : Math.max(this.manifest.classNames.length, this.outputs.nClasses);
    lm = {
      layer,
      source,
      channels: rec.outputShape[rec.outputShape.length - 1],
      atoms,
      d,
      K,
      codes,
      std: s.config.std,
      alive: s.aliveModes,
      classCorr: s.classCorr ? this.bundle.float(s.classCorr) : null,
      nClasses,
      classOf: this.outputs.labels ?? this.outputs.predicted,
      kind: 'dictionary',
    };
    this.modes.set(key, lm);
    return lm;
  }

  /** Without a dictionary: each channel is a "mode" (atom = unit vector, code = its net value). */
  private channelModes(rec: LayerRecord, source: Source): LayerModes {
    const ref = rec.arrays[source === 'contributions' ? 'contrib_net' : 'act_net'];
    if (!ref) fail(`analysis: layer ${rec.name} has neither ${source === 'contributions' ? 'contribution' : 'activation'} modes nor values.`);
    const x = this.bundle.float(ref);
    const n = this.count;
    const C = rec.outputShape[rec.outputShape.length - 1];
    const atoms = new Float32Array(C * C);
    for (let k = 0; k < C; k++) atoms[k * C + k] = 1;
    const rowPtr = new Int32Array(n + 1);
    const colIdx: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) {
        const v = x[i * C + k];
        if (v !== 0) {
          colIdx.push(k);
          values.push(v);
        }
      }
      rowPtr[i + 1] = colIdx.length;
    }
    return {
      layer: rec.name,
      source,
      channels: C,
      atoms,
      d: C,
      K: C,
      codes: { rowPtr, colIdx: Int32Array.from(colIdx), values: Float32Array.from(values), shape: [n, C] },
      std: 1,
      alive: Array.from({ length: C }, (_, k) => k),
      classCorr: null,
      nClasses: Math.max(this.manifest.classNames.length, this.outputs.nClasses),
      classOf: this.outputs.labels ?? this.outputs.predicted,
      kind: 'channels',
    };
  }

  modeGrid(layer: string, source: Source): ModeGrid {
    const key = `${layer}|${source}`;
    let g = this.grids.get(key);
    if (!g) {
      const dF = Float32Array.from(this.outputs.F, (f, i) => f - this.outputs.F0[i]);
      g = modeGrid(this.layerModes(layer, source), 8, dF);
      this.grids.set(key, g);
    }
    return g;
  }

  decomposition(image: number, layer: string, source: Source): Decomposition {
    const lm = this.layerModes(layer, source);
    let total = 0;
    if (source === 'activations') {
      const rec = this.layer(layer);
      const act = rec.arrays.act_net ? this.bundle.float(rec.arrays.act_net) : null;
      if (act) for (let j = 0; j < lm.channels; j++) total += act[image * lm.channels + j];
    }
    return decomposition(lm, this.outputs, image, total);
  }

  classMatrix(layer: string, source: Source): ClassMatrix {
    return classMatrix(this.layerModes(layer, source), this.manifest.classNames);
  }
}
