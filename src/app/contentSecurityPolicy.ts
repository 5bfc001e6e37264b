/**
 * The Content-Security-Policy of the built app: no eval, no inline or remote scripts, no requests
 * off the page's origin. `'wasm-unsafe-eval'` lets tfjs compile its WASM backend (WebAssembly
 * only, not JavaScript eval); `blob:` in script-src and worker-src lets the threaded WASM backend
 * start its pthread workers from a blob it makes and `importScripts` its code from another, and
 * the backend check start its throwaway WebGPU worker. Styles come from the built CSS file only
 * (React and D3 set styles through the CSSOM, which a policy does not govern).
 *
 * vite.config.ts writes it into dist/index.html as a <meta> tag (build only: the dev server
 * injects inline scripts) and sends it as a header from `vite preview`; e2e/lib/server.mjs reads
 * the tag back and sends the same header on every file. The header matters for the worker: a
 * worker's policy comes from the response that served its script, not from the page's meta tag.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
