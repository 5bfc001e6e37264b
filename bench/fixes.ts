/**
 * Each of the engine's speed fixes timed against what it replaced, side by side in one run (WASM):
 * the conv2d input-gradient kernel as a forward conv (on the yardstick, 8x32x32x16 input,
 * 32 3x3 filters, and inside a whole conductance run), the first-max MaxPoolGrad, Identity without a
 * copy, Conv2D +
 * BatchNorm (+ ReLU) folded into one fused conv, layers run as plain ops under the tape (no filter
 * gradients), and the trapezoid summed in JavaScript.
 */
import * as tf from '@tensorflow/tfjs';
import { conductance } from '../src/core/attribution/conductance';
import { withOriginalKernel } from '../src/core/kernels/replaceKernel';
import type { Executor } from '../src/core/model/executor';
import { setFoldConvBn } from '../src/core/model/foldedConvBn';
import { setInputGradLayers } from '../src/core/model/inputGradLayers';
import { time, timeInterleaved } from './timing';
import type { Measure } from './workload';

/** Runs `f` with a fix turned off by its switch, and turns it back on. */
async function withFlag<T>(set: (on: boolean) => void, f: () => Promise<T>): Promise<T> {
  set(false);
  try {
    return await f();
  } finally {
    set(true);
  }
}

export async function fixMeasures(exec: Executor, input: number[], layers: string[], b: number, steps: number, reps: number): Promise<Measure[]> {
  const out: Measure[] = [];
  const x = tf.randomUniform([b, ...input], 0, 1, 'float32', 3);
  const run = () => conductance(exec, x, { layers, steps });
  // With and without a fix timed in interleaved rounds (`without` runs f once with the fix off).
  const speedup = async (what: string, without: (f: () => Promise<unknown>) => Promise<unknown>) => {
    const [tWith, tWithout] = await timeInterleaved([run, () => without(run)], reps);
    out.push({ section: 'fixes', what: `${what}: conductance (${b} img, ${steps} steps, ${layers.length} layers) without / with the fix`, value: tWithout / tWith, unit: 'x' });
  };
  try {
    // The yardstick: one conv2d input gradient.
    const dy = tf.randomNormal([8, 32, 32, 32], 0, 1, 'float32', 4) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 16, 32], 0, 1, 'float32', 5) as tf.Tensor4D;
    const dx = () => tf.tidy(() => tf.conv2dTranspose(dy, w, [8, 32, 32, 16], 1, 'same')).dispose();
    const tFix = await time(dx, 10);
    const tOrig = await withOriginalKernel('Conv2DBackpropInput', 'wasm', () => time(dx, 10));
    out.push({ section: 'fixes', what: `conv2d input gradient, 8x32x32x16 in, 32 3x3 filters: tfjs WASM kernel ${tOrig.toFixed(1)} ms / as a forward conv ${tFix.toFixed(1)} ms`, value: tOrig / tFix, unit: 'x' });
    tf.dispose([dy, w]);
    await speedup('conv2d input gradient as a forward conv', (f) => withOriginalKernel('Conv2DBackpropInput', 'wasm', f));
    await speedup('first-max MaxPoolGrad in JavaScript (also: ties routed as PyTorch)', (f) => withOriginalKernel('MaxPoolGrad', 'wasm', f));
    await speedup('Identity sharing its buffer (the tape clones every saved tensor; WASM copied each)', (f) => withOriginalKernel('Identity', 'wasm', f));
    await speedup('Conv2D + BatchNorm (+ ReLU) folded into one fused conv with an input-only gradient', (f) => withFlag(setFoldConvBn, f));
    // Folding covers the demo models' convolutions; plain ops matter for the rest, so this one is
    // timed with folding off on both sides.
    await withFlag(setFoldConvBn, () => speedup('layers as plain ops under the tape (no filter gradients; folding off)', (f) => withFlag(setInputGradLayers, f)));
    const [tHost, tTensor] = await timeInterleaved([run, () => conductance(exec, x, { layers, steps, hostSum: false })], reps);
    out.push({ section: 'fixes', what: `trapezoid summed in JavaScript over heap views: conductance (${b} img, ${steps} steps, ${layers.length} layers) tensor ops / JS`, value: tTensor / tHost, unit: 'x' });
  } finally {
    x.dispose();
  }
  return out;
}
