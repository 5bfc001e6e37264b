/**
 * A tiny test harness over playwright-core (no @playwright/test here): specs register tests with
 * `test(name, fn)`; the runner gives each a fresh page and collects pass/fail with timings.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHOTS = path.join(E2E_DIR, 'screenshots');
export const FIXTURES = path.join(E2E_DIR, 'fixtures', 'out');
mkdirSync(SHOTS, { recursive: true });

const registry = [];
/** Registers a test. opts: { browser: 'default' | 'webgpu', viewport, timeout } */
export function test(name, fn, opts = {}) {
  registry.push({ name, fn, opts });
}
export function registered() {
  return registry;
}

export class AssertionError extends Error {}

export function expect(cond, message) {
  if (!cond) throw new AssertionError(message);
}

export function close(a, b, rtol, atol, what) {
  const ok = Math.abs(a - b) <= atol + rtol * Math.abs(b);
  if (!ok) throw new AssertionError(`${what}: ${a} vs ${b} (rtol ${rtol}, atol ${atol})`);
}

/** Polls fn until it returns a truthy value (returned) or the time runs out (throws with `what`). */
export async function until(fn, what, timeout = 15000, every = 100) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeout) throw new AssertionError(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Reads plain values from the app's store. */
export function state(page, fn) {
  return page.evaluate(`(${fn})(window.__codec.store.getState())`);
}

export async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
