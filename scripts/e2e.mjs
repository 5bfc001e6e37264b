#!/usr/bin/env node
/**
 * End-to-end tests of the built explorer (`npm run test:e2e`):
 *   1. builds dist/ with Vite when it is missing or older than the app's sources;
 *   2. makes the test fixtures with the engine when missing (e2e/fixtures/make-fixtures.ts);
 *   3. serves dist/ (and the fixtures at /fixture/) on 127.0.0.1 with COOP/COEP headers;
 *   4. runs e2e/*.spec.mjs in Debian's Chromium through playwright-core, one fresh page per test;
 *   5. prints `N passed, M failed` and exits non-zero on any failure.
 * Options: --grep <text> runs the tests whose name contains it; --repeat N runs each N times (a
 * flaky test shows up; scripts/stress-test.sh uses it); --headed; --keep-dist skips the build check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const grep = args.includes('--grep') ? args[args.indexOf('--grep') + 1] : null;
const repeat = args.includes('--repeat') ? Math.max(1, Number(args[args.indexOf('--repeat') + 1]) || 1) : 1;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEBGPU_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const e of readdirSync(p)) if (e !== 'node_modules') t = Math.max(t, newest(path.join(p, e)));
  return t;
}

function run(cmd, argv, what) {
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout?.slice(-4000) ?? ''}\n${r.stderr?.slice(-4000) ?? ''}\n`);
    console.log(`0 passed, 1 failed (${what} failed)`);
    process.exit(1);
  }
  console.log(`[e2e] ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// 1. Build when stale.
const distIndex = path.join(root, 'dist', 'index.html');
const srcTime = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'public')), newest(path.join(root, 'index.html')), newest(path.join(root, 'vite.config.ts')));
if (!args.includes('--keep-dist') && (!existsSync(distIndex) || statSync(distIndex).mtimeMs < srcTime)) run('npx', ['vite', 'build', '--logLevel', 'warn'], 'built dist/ with vite');
else console.log('[e2e] dist/ is up to date');

// 2. Fixtures.
const fixtureScript = path.join(root, 'e2e', 'fixtures', 'make-fixtures.ts');
const fixtureManifest = path.join(root, 'e2e', 'fixtures', 'out', 'bundle', 'manifest.json');
if (!existsSync(fixtureManifest) || statSync(fixtureManifest).mtimeMs < statSync(fixtureScript).mtimeMs) run('npx', ['tsx', fixtureScript], 'made fixtures with the engine');

if (!existsSync(CHROMIUM)) {
  console.log(`0 passed, 1 failed (no Chromium at ${CHROMIUM}; install Debian's chromium package)`);
  process.exit(1);
}

// 3. Serve.
const { serve, cspOf } = await import(pathToFileURL(path.join(root, 'e2e', 'lib', 'server.mjs')).href);
// The same build also under a sub-path, as a static host may serve it.
const server = await serve([
  ['/', path.join(root, 'dist')],
  ['/fixture/', path.join(root, 'e2e', 'fixtures', 'out')],
  ['/sub/dir/', path.join(root, 'dist')],
  ['/sub/dir/fixture/', path.join(root, 'e2e', 'fixtures', 'out')],
], { csp: cspOf(distIndex) });
console.log(`[e2e] serving dist/ at ${server.url}${cspOf(distIndex) ? ' with its Content-Security-Policy' : ' WITHOUT a Content-Security-Policy'}`);

// 4. Run the specs.
const harness = await import(pathToFileURL(path.join(root, 'e2e', 'lib', 'harness.mjs')).href);
const specs = readdirSync(path.join(root, 'e2e')).filter((f) => f.endsWith('.spec.mjs')).sort();
for (const s of specs) await import(pathToFileURL(path.join(root, 'e2e', s)).href);
const { chromium } = await import('playwright-core');
const browsers = {};
async function browserFor(kind) {
  if (!browsers[kind]) browsers[kind] = await chromium.launch({ executablePath: CHROMIUM, headless: !args.includes('--headed'), args: kind === 'webgpu' ? WEBGPU_ARGS : BASE_ARGS });
  return browsers[kind];
}

let passed = 0;
let failed = 0;
const t0 = Date.now();
const runs = harness.registered().filter((t) => !grep || t.name.includes(grep)).flatMap((t) => Array.from({ length: repeat }, () => t));
for (const t of runs) {
  const started = Date.now();
  const browser = await browserFor(t.opts.browser ?? 'default');
  const context = await browser.newContext({ viewport: t.opts.viewport ?? { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && logs.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  const timeout = t.opts.timeout ?? 60000;
  let timer;
  try {
    await Promise.race([t.fn({ page, context, baseUrl: server.url, logs }), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`test timed out after ${timeout} ms`)), timeout)))]);
    passed++;
    console.log(`  ✓ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`  ✗ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n      ${String(e?.message ?? e).split('\n').join('\n      ')}`);
    for (const l of logs.slice(-8)) console.log(`      ${l.slice(0, 400)}`);
    await page.screenshot({ path: path.join(harness.SHOTS, `FAILED-${t.name.replace(/[^\w-]+/g, '_')}.png`) }).catch(() => {});
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
  }
}
for (const b of Object.values(browsers)) await b.close();
await server.close();
console.log(`[e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s in the browser; screenshots in e2e/screenshots/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
