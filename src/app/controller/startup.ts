/**
 * Start-up and reloads: the demos the build ships, the first analysis on screen (a linked bundle,
 * else the last session, else the demo), and the analysis saved in this browser for a reload.
 */
import * as Comlink from 'comlink';
import type { DemoEntry } from '../store/dataSlice';
import { errorText } from '../workerClient';
import { clearLastSession, loadLastSession, saveLastSession, type LastSession } from '../lastSession';
import { parseHash } from '../store/urlState';
import { Part } from './part';

/** Image sets the build may ship (codec-imageset files), probed at start. */
export const DEMO_IMAGE_SETS = [{ label: 'Fashion-MNIST test set', url: 'demo/fashion/test2000.json' }];

/** Demo bundles the build may ship (public/demo/bundles/<name>/), probed in order at start. */
export const DEMO_CANDIDATES: DemoEntry[] = [
  { name: 'fashion-cnn', label: 'Fashion-MNIST CNN', bundle: 'demo/bundles/fashion-cnn/', model: 'demo/models/fashion-cnn/model.json' },
  { name: 'fashion-resnet', label: 'Fashion-MNIST ResNet', bundle: 'demo/bundles/fashion-resnet/', model: 'demo/models/fashion-resnet/model.json' },
];

export class Startup extends Part {
  /** Whether the analysis on screen is the one saved for a reload (its view is saved as it changes). */
  savedSession = false;
  /** The last write of the session or its view to this browser's storage (see saved()). */
  saving: Promise<unknown> = Promise.resolve();

  async startNow(params: URLSearchParams): Promise<void> {
    this.s.setJob({ kind: 'loading', what: 'Starting the model worker' });
    try {
      this.s.setBackendReport(await this.client.api.init({ backend: this.client.backendChoice, wasmThreads: this.client.wasmThreads }));
    } catch (e) {
      this.error('No backend could start', e);
    }
    this.s.setJob({ kind: 'idle' });
    const demos = await this.discoverDemos();
    this.s.setDemos(demos);
    this.s.setDemoImageSets((await Promise.all(DEMO_IMAGE_SETS.map(async (d) => ((await exists(d.url)) ? d : null)))).filter((d) => d !== null));
    const link = parseHash(location.hash);
    for (const n of link.notices) this.s.pushMessage({ level: 'warning', title: 'Link', message: n });
    this.c.url.pendingView = link.view;
    const bundle = link.view.bundle ?? params.get('bundle');
    const demo = demos.find((d) => d.name === params.get('demo')) ?? demos[0];
    // A link to a bundle (or ?bundle=) wins; else the last analysis run here, else the demo.
    const last = bundle || params.has('demo') && params.get('demo') !== 'none' ? null : await loadLastSession();
    if (bundle) await this.c.loaders.openBundleUrlNow(bundle);
    else if (last && (await this.restoreLastSessionNow(last))) {
      if (!link.view.layer && last.view) this.c.url.pendingView = last.view;
    } else if (demo && params.get('demo') !== 'none') await this.c.loaders.openBundleUrlNow(demo.bundle);
    this.c.url.applyPendingView();
  }

  /**
   * Brings back the last analysis run on this page after a reload: the saved model and images go
   * into the worker and the analysis comes from the worker's cache (no recomputation). False when
   * nothing could be restored (the files or the cached layers are gone); the reason is shown.
   */
  restoreLastSession(last: LastSession): Promise<boolean> {
    return this.ops.run(() => this.restoreLastSessionNow(last), false);
  }

  private async restoreLastSessionNow(last: LastSession): Promise<boolean> {
    this.s.setJob({ kind: 'loading', what: 'Restoring the last analysis' });
    try {
      const api = this.client.api;
      const model = await api.loadModel(last.modelFiles);
      this.client.modelFiles = last.modelFiles;
      this.client.modelUrl = null;
      this.s.setModel(model);
      const images = 'files' in last.images ? await api.loadImages(last.images.files, last.imageOptions) : await api.loadImageSetUrl(last.images.url, { ...last.imageOptions, maxImages: last.images.maxImages });
      this.client.imageFiles = 'files' in last.images ? last.images.files : null;
      this.client.imageSetUrl = 'files' in last.images ? null : last.images;
      this.client.imageOptions = last.imageOptions;
      this.s.setImages(images);
      if (last.imageOptions.preprocessing) this.s.setPreprocessing(last.imageOptions.preprocessing);
      this.s.setSettings(last.settings);
      const summary = await api.analyze({ ...last.settings, useCache: true, cacheOnly: true }, Comlink.proxy(() => undefined));
      this.client.bundle = null;
      this.c.bundleRef = null;
      this.s.setAnalysis(summary);
      this.savedSession = true;
      this.s.pushMessage({ level: 'info', title: 'Restored', message: `the last analysis on this page (${model.name}, ${images.count} images, ${summary.layers.length} layer${summary.layers.length === 1 ? '' : 's'}) from this browser's storage.` });
      return true;
    } catch (e) {
      this.s.pushMessage({ level: 'warning', title: 'Not restored', message: `the last analysis could not be brought back (${errorText(e).message}); the model and images that loaded stay: run Analyze again.` });
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Saves the analysis on screen (uploaded model and images, settings, view) for a reload. */
  async saveSession(): Promise<void> {
    const c = this.client;
    const images = c.imageFiles ? { files: c.imageFiles } : c.imageSetUrl;
    if (!c.modelFiles || !images) {
      this.savedSession = false;
      return;
    }
    this.savedSession = await saveLastSession({ modelFiles: c.modelFiles, images, imageOptions: c.imageOptions, settings: this.s.settings, view: parseHash(this.c.url.currentHash()).view, savedAt: Date.now() });
  }

  /** Resolves once what was last saved for a reload is in storage (a reload before may restore the older state). */
  async saved(): Promise<void> {
    await this.saving.catch(() => undefined);
  }

  /** Another analysis (a bundle) is on screen: a reload shows that one, not the saved upload. */
  forgetSession(): void {
    this.savedSession = false;
    void clearLastSession();
  }

  async discoverDemos(): Promise<DemoEntry[]> {
    const found = await Promise.all(DEMO_CANDIDATES.map(async (d) => ((await exists(d.bundle + 'manifest.json')) ? d : null)));
    // Only what the build ships is probed (the e2e specs open the test fixture by ?bundle=).
    return found.filter((d): d is DemoEntry => d !== null);
  }
}

/** Whether a same-origin file exists (HEAD; an HTML answer is a single-page fallback, not the file). */
async function exists(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'HEAD' });
    return r.ok && !(r.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}
