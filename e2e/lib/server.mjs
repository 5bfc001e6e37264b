/**
 * A small static file server for the built app, with the cross-origin isolation headers the
 * multi-threaded WASM backend needs. Mounts: `/` -> dist/, and extra prefixes (e.g. `/fixture/`).
 */
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
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

/** mounts: [[urlPrefix, dir], ...], longest prefix first. Resolves with {url, close}. */
export function serve(mounts, { port = 0, isolation = true } = {}) {
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
      const headers = { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-cache', ...(isolation ? ISOLATION : {}) };
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
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

function end(res, code) {
  res.writeHead(code, { 'Content-Type': 'text/plain', ...ISOLATION });
  res.end(String(code));
}
