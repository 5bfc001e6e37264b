/**
 * The UI thread's handle on the model worker: a Comlink proxy that can be thrown away and
 * rebuilt (a cancel that does not land within a second terminates the worker), remembering
 * what was loaded so a new worker gets the same backend, model and images back.
 */
import * as Comlink from 'comlink';
import type { BackendName, BackendReport, FileEntry, ImageOptions, WorkerApi } from '../worker/api';
import { isWorkerLost } from '../worker/workerLost';

export type Remote = Comlink.Remote<WorkerApi>;

export class WorkerClient {
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  /** What to replay into a fresh worker. */
  backendChoice: BackendName | 'auto' = 'auto';
  /** WASM threads to ask for (null: tfjs's default); a new count needs a new worker. */
  wasmThreads: number | null = null;
  modelFiles: FileEntry[] | null = null;
  modelUrl: string | null = null;
  imageFiles: FileEntry[] | null = null;
  imageSetUrl: { url: string; maxImages: number } | null = null;
  imageOptions: ImageOptions = {};
  /** The bundle on screen, when it came from a bundle (re-opened in a new worker). */
  bundle: { url: string } | { files: FileEntry[] } | null = null;
  generation = 0;
  /**
   * Rejects (WorkerLostError) when the running worker can no longer answer: it crashed, was
   * killed, or was ended by a restart. Calls to a lost worker never settle, so anything that
   * waits on one waits on this too (see OpQueue).
   */
  lost: Promise<never> = new Promise<never>(() => undefined);
  private markLost: ((why: string) => void) | null = null;
  /**
   * Called when the worker can no longer be used: an uncaught error in it (or its script failing
   * to load), a lost WebGPU device it reports, or `kill()`. The message is for the banner.
   */
  onCrash: ((message: string) => void) | null = null;

  get api(): Remote {
    if (!this.remote) this.spawn();
    return this.remote!;
  }

  private spawn(): void {
    this.worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'codec-model-worker' });
    const worker = this.worker;
    this.lost = new Promise<never>((_, reject) => {
      this.markLost = (why) => reject(Object.assign(new Error(why), { name: 'WorkerLostError' }));
    });
    this.lost.catch(() => undefined);
    const crashed = (message: string) => {
      if (worker !== this.worker) return;
      this.markLost?.(message);
      this.onCrash?.(message);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      crashed(`the model worker failed: ${e.message || 'it could not load or crashed'}${e.filename ? ` (${e.filename.split('/').pop()}:${e.lineno})` : ''}`);
    };
    worker.addEventListener('message', (e: MessageEvent) => {
      if (isWorkerLost(e.data)) crashed(`the model worker lost its backend: ${e.data.message}`);
    });
    this.remote = Comlink.wrap<WorkerApi>(this.worker);
    this.generation++;
  }

  /** Ends the worker as a crash would (for tests): terminated from the page, then reported. */
  kill(): void {
    this.worker?.terminate();
    this.markLost?.('the model worker was terminated (simulated crash)');
    this.onCrash?.('the model worker was terminated (simulated crash)');
  }

  /** Ends the worker at once (whatever it is doing) and starts a new one with the same state. */
  async restart(): Promise<BackendReport> {
    this.markLost?.('the model worker was restarted');
    this.remote?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    const api = this.api;
    const report = await api.init({ backend: this.backendChoice, wasmThreads: this.wasmThreads });
    if (this.modelFiles) await api.loadModel(this.modelFiles);
    else if (this.modelUrl) await api.loadModelUrl(this.modelUrl);
    if (this.imageFiles) await api.loadImages(this.imageFiles, this.imageOptions);
    else if (this.imageSetUrl) await api.loadImageSetUrl(this.imageSetUrl.url, { ...this.imageOptions, maxImages: this.imageSetUrl.maxImages });
    if (this.bundle) await api.loadBundle(this.bundle).catch(() => null);
    return report;
  }
}

/** Errors from the worker arrive as Error objects carrying name and message only. */
export function errorText(e: unknown): { name: string; message: string } {
  if (e && typeof e === 'object' && 'message' in e) return { name: String((e as Error).name || 'Error'), message: String((e as Error).message) };
  return { name: 'Error', message: String(e) };
}
