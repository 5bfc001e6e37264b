/// <reference types="vite/client" />

declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  export let wasmWorkerContents: string;
}
