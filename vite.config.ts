/**
 * Vite config of the explorer app. `base: './'` makes every URL in dist/ relative, so the build
 * works from any static host under any sub-path. COOP/COEP make the page cross-origin isolated
 * (SharedArrayBuffer), which multi-threaded WASM needs; a host that cannot send them gets the
 * single-threaded SIMD build (the worker checks `crossOriginIsolated`). The tfjs WASM binaries are
 * imported with `?url` in src/worker/backend.ts, so Vite copies them into dist/assets/.
 */
import react from '@vitejs/plugin-react';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/app/contentSecurityPolicy';

const fixtureDir = path.resolve(import.meta.dirname, 'e2e/fixtures/out');

/**
 * Dev and preview servers only: serves the e2e fixtures (a tiny model and its bundle, made by
 * `npx tsx e2e/fixtures/make-fixtures.ts`) at /fixture/, which the app opens while no demo
 * bundle ships. Not part of the build.
 */
function fixtureServer(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    const rel = url.replace(/^.*?\/fixture\//, '');
    if (!url.includes('/fixture/') || !existsSync(fixtureDir)) return next();
    const file = path.resolve(fixtureDir, rel);
    if (!file.startsWith(fixtureDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.png') ? 'image/png' : 'application/octet-stream';
    res.setHeader('Content-Type', type);
    for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };
  return {
    name: 'codec-fixture-server',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

/** Writes the Content-Security-Policy into the built index.html (not in dev: see the policy's file). */
function cspMeta(): Plugin {
  return {
    name: 'codec-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  base: './',
  plugins: [react(), fixtureServer(), cspMeta()],
  worker: {
    format: 'es',
    // The threaded WASM backend starts its pthread workers from the *source text* of its factory
    // (Function.prototype.toString); mangled names then point outside that text ("e is not
    // defined"). Whitespace and dead code still go; names stay.
    rolldownOptions: { output: { minify: { compress: true, mangle: false } } },
  },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
    // The demo (public/demo) is copied as is; bundles load it with fetch relative to the page.
  },
});
