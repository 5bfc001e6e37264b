/** The shape of a fuzz case (tests/fuzz.test.ts runs them; tests/fuzz/cases.ts makes them). */

/**
 * The entry point a case goes through, as the CLI or the worker calls it:
 * - model: loadHookableFromDisk on model.json in a folder (the CLI), then one forward pass;
 * - model-files: loadHookableModel on the file map (the worker, for dropped files), then one forward pass;
 * - image: decodeImage, then resizeImage to 28 x 28 x 1;
 * - bundle: readBundle on the file map (manifest checked against the sizes), then every array and CSR matrix read;
 * - bundle-zip: readBundleFromDisk on a .zip file (the CLI: unzip, then as bundle);
 * - imageset: readImageSetFile on the header in a folder (the CLI);
 * - imageset-files: parseImageSetHeader and checkImageSetData on the header and its binary (the worker).
 */
export type FuzzTarget = 'model' | 'model-files' | 'image' | 'bundle' | 'bundle-zip' | 'imageset' | 'imageset-files';

export interface FuzzCase {
  id: string;
  target: FuzzTarget;
  /** The entry file: model.json's name, the image's name, the image set header's name, the zip's name. Bundles: manifest.json. */
  entry: string;
  /** The file map (every file of the model, bundle or image set; the image or the zip alone). */
  files: Map<string, Uint8Array>;
  /** The file the error message must name. */
  names: string;
  /** 'error': must be refused; 'ok': must load; 'any': a load or a clean refusal (e.g. a flipped byte inside a weight). */
  expect: 'error' | 'any' | 'ok';
}

export interface FuzzSources {
  modelJson: Uint8Array;
  shard: Uint8Array;
  /** The bundle's files, relative paths. */
  bundle: Map<string, Uint8Array>;
  imagesetJson: Uint8Array;
  imagesetBin: Uint8Array;
  /** tests/fixtures/hostile/: odd but real images, by file name. */
  fixtures: Map<string, Uint8Array>;
}

/** Every kind of case, in the order the corpus lists them. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = ['model', 'model-files', 'image', 'bundle', 'bundle-zip', 'imageset', 'imageset-files'];
