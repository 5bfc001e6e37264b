/** Loading a bundle (by URL or as files), a model (uploaded or a shipped demo's) and images (files or a shipped image set). */
import type { FileEntry, ModelInfo } from '../../worker/api';
import { defaultLayers } from '../defaultLayers';
import { parseHash } from '../store/urlState';
import { Part } from './part';

export class Loaders extends Part {
  openBundleUrl(url: string): Promise<void> {
    return this.ops.run(() => this.openBundleUrlNow(url), undefined);
  }

  async openBundleUrlNow(url: string): Promise<void> {
    this.s.setJob({ kind: 'loading', what: `Opening ${url}` });
    try {
      // The worker lives under assets/: resolve against the page, not the worker.
      const abs = new URL(url, document.baseURI).href;
      const summary = await this.client.api.loadBundle({ url: abs });
      this.client.bundle = { url: abs };
      this.c.bundleRef = url;
      this.s.setAnalysis(summary);
      this.c.startup.forgetSession();
    } catch (e) {
      this.error(`Could not open ${url}`, e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  openBundleFiles(files: FileEntry[]): Promise<void> {
    return this.ops.run(() => this.openBundleFilesNow(files), undefined);
  }

  private async openBundleFilesNow(files: FileEntry[]): Promise<void> {
    this.s.setJob({ kind: 'loading', what: 'Opening the bundle' });
    try {
      const summary = await this.client.api.loadBundle({ files });
      this.c.bundleRef = null;
      this.s.setAnalysis(summary);
      this.client.bundle = { files };
      this.c.startup.forgetSession();
      if (summary.modelNote) this.s.pushMessage({ level: 'warning', title: 'Bundle', message: summary.modelNote, analysisId: summary.id });
      // An exported bundle reopens at the view it was exported at (view.json, worker/bundleView.ts).
      if (summary.view) {
        this.c.url.pendingView = { ...parseHash(summary.view).view, bundle: undefined, analysis: undefined };
        this.c.url.applyPendingView();
      }
    } catch (e) {
      this.error('Could not open the bundle', e);
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Loads a shipped demo model (model.json URL, with its shards and card) to analyze it afresh. */
  async loadModelUrl(url: string, label: string): Promise<boolean> {
    const abs = new URL(url, document.baseURI).href;
    return this.useModel(`Loading the ${label} model`, () => this.client.api.loadModelUrl(abs), { files: null, url: abs });
  }

  /** Loads model.json + shards (+ card.json). On failure the previous model and analysis stay. */
  async loadModel(files: FileEntry[]): Promise<boolean> {
    if (!files.length) {
      this.s.pushMessage({ level: 'error', title: 'The model could not be loaded', message: 'loadModel: no files were given (an empty folder or selection); pick model.json with its .bin shards.' });
      return false;
    }
    return this.useModel(`Loading model (${files.length} file${files.length > 1 ? 's' : ''})`, () => this.client.api.loadModel(files), { files, url: null });
  }

  /**
   * Loads a model in the worker, remembers where it came from (for a restarted worker), and resets
   * the store for it: no images yet, the card's preprocessing, a few sensible layers picked (defaultLayers.ts). On
   * failure the previous model and analysis stay.
   */
  private useModel(what: string, load: () => Promise<ModelInfo>, from: { files: FileEntry[] | null; url: string | null }): Promise<boolean> {
    return this.ops.run(() => this.useModelNow(what, load, from), false);
  }

  private async useModelNow(what: string, load: () => Promise<ModelInfo>, from: { files: FileEntry[] | null; url: string | null }): Promise<boolean> {
    this.s.setJob({ kind: 'loading', what });
    try {
      const info = await load();
      this.client.modelFiles = from.files;
      this.client.modelUrl = from.url;
      this.client.imageFiles = null;
      this.client.imageSetUrl = null;
      this.s.setModel(info);
      this.s.setImages(null);
      this.s.setPreprocessing({});
      this.s.setSettings({ layers: defaultLayers(info.layers) }); // a few sensible layers (defaultLayers.ts), not all
      this.s.clearMessages('error');
      return true;
    } catch (e) {
      this.error('The model could not be loaded', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  loadImages(files: FileEntry[]): Promise<boolean> {
    return this.ops.run(() => this.loadImagesNow(files), false);
  }

  private async loadImagesNow(files: FileEntry[]): Promise<boolean> {
    if (!this.s.model) {
      this.s.pushMessage({ level: 'error', title: 'Load a model first', message: 'images: the images are resized to the model input, so load a model before the images.' });
      return false;
    }
    this.s.setJob({ kind: 'loading', what: `Reading ${files.length} image file${files.length === 1 ? '' : 's'}` });
    try {
      const options = { preprocessing: this.s.preprocessing };
      const info = await this.client.api.loadImages(files, options);
      this.client.imageFiles = files;
      this.client.imageOptions = options;
      this.client.imageSetUrl = null;
      this.s.setImages(info);
      for (const note of info.notes) this.s.pushMessage(note);
      if (info.skipped.length) {
        const list = info.skipped.slice(0, 4).map((s) => `${s.file}: ${s.reason}`).join('; ');
        this.s.pushMessage({ level: 'warning', title: `${info.skipped.length} file${info.skipped.length > 1 ? 's' : ''} skipped`, message: list + (info.skipped.length > 4 ? `; and ${info.skipped.length - 4} more` : '') });
      }
      return true;
    } catch (e) {
      this.error('No images could be used', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }

  /** Uses an image set shipped with the build (its first `maxImages` images). */
  loadImageSet(url: string, maxImages: number): Promise<boolean> {
    return this.ops.run(() => this.loadImageSetNow(url, maxImages), false);
  }

  private async loadImageSetNow(url: string, maxImages: number): Promise<boolean> {
    if (!this.s.model) return false;
    this.s.setJob({ kind: 'loading', what: `Reading the image set (${maxImages} images)` });
    try {
      const abs = new URL(url, document.baseURI).href;
      const info = await this.client.api.loadImageSetUrl(abs, { maxImages, preprocessing: this.s.preprocessing });
      this.client.imageSetUrl = { url: abs, maxImages };
      this.client.imageOptions = { preprocessing: this.s.preprocessing };
      this.client.imageFiles = null;
      this.s.setImages(info);
      return true;
    } catch (e) {
      this.error('The image set could not be used', e);
      return false;
    } finally {
      this.s.setJob({ kind: 'idle' });
    }
  }
}
