/**
 * Vite config of the explorer app. `base: './'` makes every URL in dist/ relative, so the build
 * works from any static host under any sub-path. COOP/COEP make the page cross-origin isolated
 * (SharedArrayBuffer), which multi-threaded WASM needs; a host that cannot send them gets the
 * single-threaded SIMD build (the worker checks `crossOriginIsolated`). The tfjs WASM binaries are
 * imported with `?url` in src/worker/backend.ts, so Vite copies them into dist/assets/.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  base: './',
  plugins: [react()],
  worker: {
    format: 'es',
    // The threaded WASM backend starts its pthread workers from the *source text* of its factory
    // (Function.prototype.toString); mangled names then point outside that text ("e is not
    // defined"). Whitespace and dead code still go; names stay.
    rolldownOptions: { output: { minify: { compress: true, mangle: false } } },
  },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  build: {
    target: 'es2022',
    outDir: 'dist',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
    // The demo (public/demo) is copied as is; bundles load it with fetch relative to the page.
  },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
});
