/**
 * `npm run demo:bundle [-- --model fashion-cnn] [--limit N] [--sae-extra auto|none] [--out-root DIR]`:
 * the shipped analysis bundle of each demo model, made by the CLI's own analyze: conductance
 * (10 steps, the predicted class's logit), net and ei reductions, STSAE on contributions and on
 * activations of every analyzed layer, every metric, and the reference ablation sweep for each
 * class's top mode; written to public/demo/bundles/<name>/.
 *
 * The SAEs train on all 10,000 Fashion-MNIST test images (the shipped 2,000 plus the other 8,000,
 * read from Debian's dataset-fashion-mnist into .cache/fashion/, not committed), so the
 * dictionaries see enough data; codes are stored for the shipped 2,000 only. Without the Debian
 * package (or with --sae-extra none) they train on the shipped 2,000.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCli } from '../src/cli/main';
import { writeImageSetFile } from '../src/cli/imagesetFile';
import { FASHION_CLASSES, FASHION_DIR, readFashion } from './fashionData';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    limit: { type: 'string' },
    'sae-epochs': { type: 'string', default: '80' },
    'sweep-per-class': { type: 'string', default: '30' },
    'sae-extra': { type: 'string', default: 'auto' },
    'out-root': { type: 'string', default: 'public/demo/bundles' },
  },
});
const SUBSET = 'public/demo/fashion/test2000.json';
const REST = '.cache/fashion/test-rest.json';

/** The test images not in the shipped subset, as an image set file (written once). */
async function restOfTestSet(): Promise<string | null> {
  if (values['sae-extra'] === 'none') return null;
  if (existsSync(REST)) return REST;
  if (!existsSync(`${FASHION_DIR}/t10k-images-idx3-ubyte.gz`)) {
    console.error(`demo:bundle: ${FASHION_DIR} is missing (apt-get install dataset-fashion-mnist); the SAEs train on the shipped 2,000 images only.`);
    return null;
  }
  const shipped = new Set<number>((JSON.parse(readFileSync(SUBSET, 'utf8')) as { testIndices: number[] }).testIndices);
  const test = readFashion('t10k');
  const rest = Array.from({ length: test.count }, (_, i) => i).filter((i) => !shipped.has(i));
  const pixels = new Uint8Array(rest.length * 784);
  rest.forEach((src, j) => pixels.set(test.images.subarray(src * 784, (src + 1) * 784), j * 784));
  mkdirSync('.cache/fashion', { recursive: true });
  await writeImageSetFile(REST, {
    count: rest.length,
    height: 28,
    width: 28,
    channels: 1,
    data: 'test-rest.bin',
    labels: rest.map((i) => test.labels[i]),
    classNames: FASHION_CLASSES,
    names: rest.map((i) => `t10k-${String(i).padStart(5, '0')}`),
    source: 'Fashion-MNIST test set (Debian package dataset-fashion-mnist), the images not in the shipped subset; MIT licence',
  }, pixels);
  console.error(`demo:bundle: wrote the other ${rest.length} test images to ${REST} (SAE training set)`);
  return REST;
}

const names = values.model ? [values.model] : ['fashion-cnn', 'fashion-resnet'];
const extra = await restOfTestSet();
for (const name of names) {
  const model = `public/demo/models/${name}/model.json`;
  if (!existsSync(model)) {
    console.error(`demo:bundle: ${model} is missing; run npm run train:demo first.`);
    process.exit(1);
  }
  const args = ['analyze', '--model', model, '--images', SUBSET, '--steps', '10', '--target', 'logit', '--reduction', 'net', '--sae', 'stsae', '--sae-on', 'both', '--sae-epochs', values['sae-epochs']!, '--sae-lr', '1e-3', '--sweep', '--sweep-per-class', values['sweep-per-class']!, '--out', `${values['out-root']}/${name}`];
  if (extra) args.push('--sae-extra', extra);
  if (values.limit) args.push('--limit', values.limit);
  const code = await runCli(args);
  if (code !== 0) process.exit(code);
}
