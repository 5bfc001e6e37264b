/**
 * Kernel replacement with the original kept: the engine's fixes register their kernel over tfjs'
 * (replaceKernel), and the benchmark times each fix against the kernel it replaced
 * (withOriginalKernel).
 */
import * as tf from '@tensorflow/tfjs';

const originals = new Map<string, tf.KernelConfig | null>();
const fixes = new Map<string, tf.KernelFunc>();
const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** Registers `kernelFunc` for the kernel on the backend, in place of tfjs' own (kept). Idempotent. */
export function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const existing = tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined;
  if (existing?.kernelFunc === kernelFunc) return;
  const k = key(kernelName, backendName);
  if (!originals.has(k)) originals.set(k, existing ? { ...existing } : null);
  fixes.set(k, kernelFunc);
  if (existing) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

/** Runs `fn` with tfjs' original kernel back in place (for timing a fix against it), then the fix again. */
export async function withOriginalKernel<T>(kernelName: string, backendName: string, fn: () => Promise<T>): Promise<T> {
  const k = key(kernelName, backendName);
  const fix = fixes.get(k);
  const orig = originals.get(k);
  if (!fix) throw new Error(`withOriginalKernel: ${k} was not replaced.`);
  if (!orig) throw new Error(`withOriginalKernel: tfjs has no ${kernelName} on ${backendName} to compare with.`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(orig);
  try {
    return await fn();
  } finally {
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: fix });
  }
}
