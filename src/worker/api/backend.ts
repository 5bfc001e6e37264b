/** The backends the worker can run on and its report of the choice (part of api.ts). */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** The most threads tfjs's threaded WASM build runs (it pre-creates 8 pthread workers). */
export const MAX_WASM_THREADS = 8;

export interface BackendCandidate {
  name: BackendName;
  /** running: in use; available: works but a better one runs; skipped: not tried on purpose; failed: tried and did not start. */
  status: 'running' | 'available' | 'skipped' | 'failed';
  /** Why, in a few words: "software adapter (swiftshader)", "no navigator.gpu", "SIMD, 2 threads". */
  reason: string;
}

export interface BackendReport {
  active: BackendName;
  candidates: BackendCandidate[];
  /** True when the user forced the backend (no automatic choice). */
  forced: boolean;
  /** What was asked for: 'auto' or a backend name (which may have failed: see candidates). */
  wanted: BackendName | 'auto';
  crossOriginIsolated: boolean;
  /** WASM threads when WASM runs (1 without cross-origin isolation). */
  wasmThreads: number | null;
  /** The WASM thread count the user asked for (null: tfjs's default); fixed once WASM started in this worker. */
  wasmThreadsAsked: number | null;
  /** What tfjs runs by itself: half the logical cores, 1 to 8. */
  wasmThreadsDefault: number;
  /** navigator.hardwareConcurrency as the browser reports it. */
  logicalCores: number;
}
