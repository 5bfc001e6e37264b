/**
 * The memory budget of one attribution pass (pure arithmetic, no tfjs: the app shows the same
 * estimate the worker sizes its passes by). A pass runs `points` alpha points of `batch` images
 * through the model with hooks at the attributed layers.
 */

/**
 * float32 copies one alpha point keeps alive at the peak of a pass, per activation value: of the
 * whole network (the forward activations tfjs' tape keeps plus the backward pass' gradients), and
 * of each attributed layer (its activation and gradient out of the pass, the previous chunk's
 * last point concatenated on, the differences, the gradient means and their product). Measured
 * with tf.profile's peakBytes on WASM: 2.7-3 network copies on a small residual CNN
 * (src/core/attribution/memory.test.ts), 3.4-3.5 on ResNet-50 and MobileNetV2 at 224x224
 * (bench/bigModel.ts), and 6-14 layer copies (the most for a layer inside a residual block);
 * the budget takes the top of both, so the measured peak stays within it.
 */
export const NETWORK_COPIES = 3.5;
export const LAYER_COPIES = 14;

/**
 * Bytes of tensors one pass over `points` alpha points of `batch` images holds at its peak, above
 * what was allocated before it: `activationFloatsPerSample` is the whole network's activation
 * values per image, `layerFloatsPerSample` the attributed layers' values per image.
 */
export function passBytes(batch: number, activationFloatsPerSample: number, layerFloatsPerSample: number, points: number): number {
  return points * batch * 4 * (NETWORK_COPIES * activationFloatsPerSample + LAYER_COPIES * layerFloatsPerSample);
}

/**
 * How many alpha points (each B samples) to run in one pass so that its tensors fit `budgetBytes`
 * (passBytes). At least 1: when one point alone exceeds the budget, the pass still runs with one
 * (fewer images per pass is then the only way down; minImagesOverBudget says so).
 */
export function alphaChunkFor(budgetBytes: number, batch: number, activationFloatsPerSample: number, total: number, layerFloatsPerSample = 0): number {
  const perPoint = Math.max(1, passBytes(batch, activationFloatsPerSample, layerFloatsPerSample, 1));
  return Math.max(1, Math.min(total, Math.floor(budgetBytes / perPoint)));
}

/** Images per pass such that at least one alpha point fits the budget (at least 1). */
export function imagesForBudget(budgetBytes: number, activationFloatsPerSample: number, layerFloatsPerSample: number, maxImages: number): number {
  const perImage = Math.max(1, passBytes(1, activationFloatsPerSample, layerFloatsPerSample, 1));
  return Math.max(1, Math.min(maxImages, Math.floor(budgetBytes / perImage)));
}
