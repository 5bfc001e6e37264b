/**
 * A small static file server for the built app, with the cross-origin isolation headers the
 * multi-threaded WASM backend needs. Mounts: `/` -> dist/, and extra prefixes (e.g. `/fixture/`).
 */
import { createServer } from 'node:http';
import { createReadStream, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The Content-Security-Policy the build wrote into an index.html's <meta> tag, or null. */
export function cspOf(indexHtml) {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(indexHtml, 'utf8'));
  return m ? m[1].replace(/&#39;|&apos;/g, "'") : null;
}

/**
 * mounts: [[urlPrefix, dir], ...], longest prefix first. `csp`: a Content-Security-Policy sent
 * with every file (the worker scripts take their policy from it). Resolves with {url, close}.
 */
export function serve(mounts, { port = 0, isolation = true, csp = null } = {}) {
  const sorted = [...mounts].sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let pathname = decodeURIComponent(url.pathname);
    const mount = sorted.find(([p]) => pathname.startsWith(p));
    if (!mount) return end(res, 404);
    const [prefix, dir] = mount;
    let file = path.join(dir, pathname.slice(prefix.length));
    if (!path.resolve(file).startsWith(path.resolve(dir))) return end(res, 403);
    try {
      let st = await fs.stat(file);
      if (st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = await fs.stat(file);
      }
      const headers = { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-cache', ...(isolation ? ISOLATION : {}), ...(csp ? { 'Content-Security-Policy': csp } : {}) };
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      end(res, 404);
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((r) => {
        server.close(r);
        server.closeAllConnections?.();
      }) });
    });
  });
}

function end(res, code) {
  res.writeHead(code, { 'Content-Type': 'text/plain', ...ISOLATION });
  res.end(String(code));
}
