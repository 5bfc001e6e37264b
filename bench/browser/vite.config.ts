/** Builds the benchmark's browser page (bench/browser/) into bench/browser/dist/ (git-ignored). */
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  worker: { format: 'es', rolldownOptions: { output: { minify: { compress: true, mangle: false } } } },
  build: { target: 'es2022', outDir: path.join(import.meta.dirname, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 8192, assetsInlineLimit: 0, minify: false },
});
