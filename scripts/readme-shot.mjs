#!/usr/bin/env node
/**
 * The README's picture of the main view: serves the built dist/ (run `npm run build` first) with
 * `vite preview`, opens a shared link in Debian's Chromium and writes e2e/screenshots/<name>.png.
 * Usage: node scripts/readme-shot.mjs '<hash>' <name>
 *   e.g. node scripts/readme-shot.mjs 'bundle=demo/bundles/fashion-cnn/&layer=conv4&mode=72&image=3' demo-fashion-cnn
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const [hash, name = 'demo-fashion-cnn'] = process.argv.slice(2);
if (!hash) {
  console.error("usage: node scripts/readme-shot.mjs '<hash>' [name]");
  process.exit(2);
}
const port = 4199;
const srv = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
try {
  await new Promise((r) => setTimeout(r, 5000));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
  await page.goto(`http://127.0.0.1:${port}/#${hash}`);
  // Drawn when the heatmap of the linked mode is ready.
  const ready = await page
    .waitForFunction(() => {
      const s = window.__codec?.store?.getState?.();
      return s && s.heatmap?.status === 'ready' && s.heatmap.data?.mode === s.mode;
    }, null, { timeout: 120_000 })
    .then(() => true, () => false);
  if (!ready) {
    const s = await page.evaluate(() => JSON.stringify(window.__codec?.store?.getState?.(), (k, v) => (ArrayBuffer.isView(v) ? `[${v.length}]` : v)).slice(0, 3000));
    console.error(`the view did not get ready in 120 s; state: ${s}`);
    process.exitCode = 1;
  }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `e2e/screenshots/${name}.png` });
  console.log(`wrote e2e/screenshots/${name}.png`);
  await browser.close();
} finally {
  srv.kill();
}
