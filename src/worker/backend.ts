/**
 * Backend choice in the worker: WebGPU on a hardware adapter, then WebGL on a hardware renderer,
 * then WASM (threads when the page is cross-origin isolated, else single-threaded SIMD), then CPU.
 * A software adapter or renderer (SwiftShader, llvmpipe) is skipped unless forced: here it is
 * several times slower than WASM. tfjs falls back quietly when a backend fails to start, so the
 * backend that runs is read back with tf.getBackend() after every setBackend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as pthreadWorker from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerFastGradients } from '../core/kernels/register';
import { BACKEND_ORDER, MAX_WASM_THREADS, type BackendCandidate, type BackendName, type BackendReport } from './api';
import { reportLost } from './workerLost';

/* The WebGPU adapter fields we read; typed here so the worker needs no @webgpu/types. */
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(o?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|lavapipe|microsoft basic/i;

/**
 * What tfjs picks by itself: half the logical cores (it assumes two hyper-threads a core), at least
 * 1 and at most 8. On a 2-core machine that is 1 thread even when the page is isolated.
 */
export function defaultWasmThreads(logicalCores: number): number {
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(logicalCores / 2)));
}

let wasmPathsSet = false;
let wasmThreadsAsked: number | null = null;
/** The logical cores the browser reports (read before setupWasm may shadow it for tfjs). */
const LOGICAL_CORES = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1;
/**
 * Sets WASM up before it starts. `threads`: null lets tfjs choose (defaultWasmThreads); a number
 * asks for that many (1-8). tfjs caps the count at half of navigator.hardwareConcurrency, which
 * its WASM module reads once when it starts; to run more than that (2 threads on a 2-core machine),
 * this worker's navigator reports twice the count asked (only in this worker, and only the count
 * that tfjs reads). The count is fixed once WASM has started: a new count needs a new worker.
 */
export function setupWasm(threads: number | null = null): void {
  if (wasmPathsSet) return;
  // The threaded build's pthread workers run the factory's source text, which reads `_scriptDir`
  // from a closure it no longer has; a global of that name (undefined: use the worker's own URL)
  // in the pthread worker script makes it resolve. See vite.config.ts (names are not mangled).
  const mod = pthreadWorker as unknown as { wasmWorkerContents?: string; default?: { wasmWorkerContents?: string } };
  // The CommonJS exports object itself (`default`), not the ESM namespace (read-only getters).
  const holder = typeof mod.default?.wasmWorkerContents === 'string' ? mod.default : mod;
  if (holder && typeof holder.wasmWorkerContents === 'string' && !holder.wasmWorkerContents.startsWith('var _scriptDir;')) {
    try {
      holder.wasmWorkerContents = 'var _scriptDir;' + holder.wasmWorkerContents;
    } catch {
      /* read-only namespace: threads stay off (tfjs falls back to single-threaded SIMD) */
    }
  }
  if (self.crossOriginIsolated && threads !== null) {
    const n = Math.max(1, Math.min(MAX_WASM_THREADS, Math.round(threads)));
    wasmThreadsAsked = n;
    setThreadsCount(n);
    if (defaultWasmThreads(LOGICAL_CORES) < n) {
      try {
        Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * n, configurable: true });
      } catch {
        /* the count stays capped at tfjs's default; the report says what runs */
      }
    }
  }
  // URLs resolved by Vite relative to this module, so dist/ works under any sub-path.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': new URL(wasmPlain, import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, import.meta.url).href,
  });
  wasmPathsSet = true;
}

/** What kind of WebGPU adapter the browser gives, without starting the backend. */
export async function probeWebGpu(): Promise<{ ok: boolean; software: boolean; reason: string }> {
  const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, software: false, reason: 'no navigator.gpu in this browser' };
  let adapter: AdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, software: false, reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { ok: false, software: false, reason: 'no WebGPU adapter (GPU blocked or absent)' };
  const info: AdapterInfoLike = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo().catch(() => ({})) : {});
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
  const software = fallback || SOFTWARE.test(name);
  return { ok: true, software, reason: software ? `software adapter (${name.trim()}), slower than WASM` : `hardware adapter (${name.trim()})` };
}

/** The WebGL renderer string in this worker (OffscreenCanvas), or why there is none. */
export function probeWebGl(): { ok: boolean; software: boolean; reason: string } {
  if (typeof OffscreenCanvas === 'undefined') return { ok: false, software: false, reason: 'no OffscreenCanvas in workers' };
  let gl: WebGL2RenderingContext | WebGLRenderingContext | null = null;
  try {
    const c = new OffscreenCanvas(1, 1);
    gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGL2RenderingContext | WebGLRenderingContext | null;
  } catch {
    gl = null;
  }
  if (!gl) return { ok: false, software: false, reason: 'no WebGL context (GPU disabled or blocked)' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = SOFTWARE.test(renderer);
  return { ok: true, software, reason: software ? `software renderer (${renderer}), slower than WASM` : `hardware renderer (${renderer})` };
}

/*
 * Synchronous reads. tfjs-webgpu does dataSync() through an OffscreenCanvas copy, which in
 * headless Chromium on SwiftShader destroys the worker's WebGPU instance ("A valid external
 * Instance reference no longer exists"): every later buffer fails and no new adapter comes. The
 * worker reads asynchronously everywhere (analysis, live ablation, accuracy, sweeps, heatmaps) and
 * rebuilds its models on a backend switch rather than letting tfjs move weights with a synchronous
 * read (Session.setBackend); the e2e spec runs all of it on such a WebGPU. The same copy is tried in
 * a throwaway worker, with raw WebGPU, so the backend menu can say so.
 */
const SYNC_CHECK_SRC = `onmessage = async () => {
  try {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return postMessage({ ok: false, reason: 'no adapter' });
    const device = await adapter.requestDevice();
    const buf = device.createBuffer({ size: 1024, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
    new Float32Array(buf.getMappedRange()).set([1, 2, 3, 4]);
    buf.unmap();
    const canvas = new OffscreenCanvas(256, 256);
    const ctx = canvas.getContext('webgpu');
    ctx.configure({ device, format: 'bgra8unorm', usage: GPUTextureUsage.COPY_DST, alphaMode: 'opaque' });
    const enc = device.createCommandEncoder();
    enc.copyBufferToTexture({ buffer: buf, bytesPerRow: 1024 }, { texture: ctx.getCurrentTexture() }, { width: 4, height: 1 });
    device.queue.submit([enc.finish()]);
    const c2 = new OffscreenCanvas(256, 256).getContext('2d', { willReadFrequently: true });
    c2.drawImage(canvas, 0, 0);
    c2.getImageData(0, 0, 4, 1);
    const rb = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc2 = device.createCommandEncoder();
    enc2.copyBufferToBuffer(buf, 0, rb, 0, 16);
    device.queue.submit([enc2.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const v = new Float32Array(rb.getMappedRange())[2];
    postMessage({ ok: v === 3, reason: v === 3 ? '' : 'read back a wrong value' });
  } catch (e) {
    postMessage({ ok: false, reason: String(e && e.message || e) });
  }
};`;

/** Whether a synchronous (canvas) read leaves WebGPU working, tried in a throwaway worker. */
export async function webGpuSyncReadsWork(timeoutMs = 8000): Promise<{ ok: boolean; reason: string }> {
  const url = URL.createObjectURL(new Blob([SYNC_CHECK_SRC], { type: 'text/javascript' }));
  const w = new Worker(url);
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, reason: 'the check did not finish' }), timeoutMs);
      w.onmessage = (e: MessageEvent<{ ok: boolean; reason: string }>) => {
        clearTimeout(timer);
        resolve(e.data);
      };
      w.onerror = (e) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: e.message || 'worker error' });
      };
      w.postMessage(0);
    });
  } finally {
    w.terminate();
    URL.revokeObjectURL(url);
  }
}

/** Starts `name` and checks it is the one that runs. Returns an error reason or null. */
async function start(name: BackendName, wasmThreads: number | null): Promise<string | null> {
  if (name === 'wasm') setupWasm(wasmThreads);
  if (!tf.findBackendFactory(name)) return `${name} backend is not registered in this browser`;
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return `${name} did not start (tfjs is on ${tf.getBackend()})`;
  } catch (e) {
    return `${name} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  registerFastGradients();
  return null;
}

function wasmReason(): string {
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    /* not initialised */
  }
  if (!self.crossOriginIsolated) return 'SIMD, 1 thread (page not cross-origin isolated)';
  const how = wasmThreadsAsked === null ? `tfjs's choice for ${LOGICAL_CORES} logical core${LOGICAL_CORES === 1 ? '' : 's'}` : `${wasmThreadsAsked} asked`;
  return `SIMD, ${threads} thread${threads === 1 ? '' : 's'} (${how})`;
}

/**
 * Chooses and starts a backend. `auto` walks the order and skips software GPUs; a named backend
 * is started as asked (the others are reported as not tried), falling back down the order if it fails.
 */
export async function chooseBackend(wanted: BackendName | 'auto' = 'auto', wasmThreads: number | null = null): Promise<BackendReport> {
  const forced = wanted !== 'auto';
  const candidates: BackendCandidate[] = [];
  const probes: Record<BackendName, () => Promise<{ ok: boolean; software: boolean; reason: string }>> = {
    webgpu: probeWebGpu,
    webgl: async () => probeWebGl(),
    wasm: async () => ({ ok: typeof WebAssembly === 'object', software: false, reason: typeof WebAssembly === 'object' ? '' : 'no WebAssembly' }),
    cpu: async () => ({ ok: true, software: false, reason: 'plain JavaScript (slowest)' }),
  };
  const order = forced ? [wanted, ...BACKEND_ORDER.filter((b) => b !== wanted)] : [...BACKEND_ORDER];
  let active: BackendName | null = null;
  for (const name of order) {
    if (active) {
      const p = forced && name !== 'cpu' ? { ok: true, software: false, reason: '' } : await probes[name]();
      candidates.push({ name, status: p.ok ? 'available' : 'skipped', reason: p.ok ? (forced ? 'not tried: backend forced' : `${active} ranks higher`) : p.reason });
      continue;
    }
    const p = await probes[name]();
    if (!p.ok) {
      candidates.push({ name, status: 'skipped', reason: p.reason });
      continue;
    }
    if (p.software && !(forced && name === wanted)) {
      candidates.push({ name, status: 'skipped', reason: p.reason });
      continue;
    }
    let note = '';
    if (name === 'webgpu') {
      const sync = await webGpuSyncReadsWork();
      if (!sync.ok) note = `; a synchronous read would lose the device in this browser (${sync.reason}): the app reads asynchronously`;
    }
    const err = await start(name, wasmThreads);
    if (err) {
      candidates.push({ name, status: 'failed', reason: err });
      continue;
    }
    active = name;
    candidates.push({ name, status: 'running', reason: name === 'wasm' ? wasmReason() : (p.reason || 'started') + note });
  }
  if (!active) throw Object.assign(new Error(`backend: no tfjs backend could start (${candidates.map((c) => `${c.name}: ${c.reason}`).join('; ')}).`), { name: 'BackendError' });
  candidates.sort((a, b) => BACKEND_ORDER.indexOf(a.name) - BACKEND_ORDER.indexOf(b.name));
  return { active, candidates, forced, wanted, crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, wasmThreads: active === 'wasm' ? safeThreads() : null, wasmThreadsAsked, wasmThreadsDefault: defaultWasmThreads(LOGICAL_CORES), logicalCores: LOGICAL_CORES };
}

function safeThreads(): number | null {
  try {
    return getThreadsCount();
  } catch {
    return null;
  }
}

/**
 * A short timed probe of the running backend: one conv + gradient step on an 8x32x32x16 input
 * with 32 filters (the issue's yardstick), after a warm-up. Milliseconds per step.
 */
export async function timeProbe(repeats = 3, sync = false): Promise<number> {
  const step = () =>
    tf.tidy(() => {
      const x = tf.randomUniform([8, 32, 32, 16]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 16, 32]) as tf.Tensor4D;
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.relu(tf.conv2d(xx as tf.Tensor4D, w, 1, 'same'))))(x);
      return tf.sum(g);
    });
  const warm = step();
  if (sync) warm.dataSync();
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) {
    const r = step();
    await r.data();
    r.dispose();
  }
  return (performance.now() - t0) / repeats;
}

/** When the running backend is WebGPU, reports its device's loss (not a deliberate destroy). */
export function watchDeviceLost(): void {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ reason?: string; message?: string }> } }).device;
  void device?.lost?.then((info) => {
    if (info?.reason === 'destroyed' || tf.getBackend() !== 'webgpu') return;
    reportLost('device-lost', `the WebGPU device was lost${info?.message ? ` (${info.message})` : ''}`);
  });
}
