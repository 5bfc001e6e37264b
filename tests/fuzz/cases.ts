/**
 * The fuzz corpus (tests/fuzz.test.ts): hostile and broken inputs made by mutating the shipped demo
 * files (the fashion-cnn model, images made from the demo image set's first picture, the analysis
 * bundle, the image set) and the odd images in tests/fixtures/hostile/, one file per kind of input:
 * modelCases.ts, imageCases.ts, bundleCases.ts, imagesetCases.ts; the byte-level helpers are
 * mutations.ts. Each case is a set of files for one entry point (types.ts), the file its error must
 * name, and whether it must fail ('error'), must load ('ok'), or may do either ('any': e.g. a flipped
 * byte inside a weight is still a valid model).
 *
 * Deterministic: two seeded generators pick positions, one for the cases first written for the CLI's
 * loaders and one for those first written in tests/hostileInputs.test.ts (folded in here), each
 * drawn in the same order as in the suite it came from.
 */
import { rng } from '../../src/core/util/rng';
import { bundleCases, layerArrayCases, zipCases } from './bundleCases';
import { imageCases, moreImageCases } from './imageCases';
import { imagesetCases, workerImagesetCases } from './imagesetCases';
import { modelCases, workerModelCases } from './modelCases';
import type { FuzzCase, FuzzSources } from './types';

export { HOSTILE_FIXTURES } from './imageCases';
export { FUZZ_TARGETS, type FuzzCase, type FuzzSources, type FuzzTarget } from './types';

/** Every case, in a fixed order (seeded). */
export function fuzzCases(src: FuzzSources, seed = 9, seed2 = 2026): FuzzCase[] {
  const r = rng(seed);
  const first = [...modelCases(src, r), ...imageCases(src, r), ...bundleCases(src, r), ...imagesetCases(src, r)];
  const r2 = rng(seed2);
  const second = [...workerModelCases(src, r2), ...moreImageCases(src, r2), ...workerImagesetCases(), ...layerArrayCases(src, r2), ...zipCases(src, r2)];
  return [...first, ...second];
}
