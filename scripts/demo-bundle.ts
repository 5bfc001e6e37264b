/**
 * `npm run demo:bundle [-- --model fashion-cnn] [--limit N]`: the shipped analysis bundle of each
 * demo model, made by the CLI's own analyze: conductance (10 steps, the predicted class's logit),
 * net and ei reductions, STSAE on contributions and on activations of every analyzed layer, every
 * metric, and the reference ablation sweep for each class's top mode; written to
 * public/demo/bundles/<name>/.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCli } from '../src/cli/main';

const { values } = parseArgs({ options: { model: { type: 'string' }, limit: { type: 'string' }, 'sae-epochs': { type: 'string', default: '120' }, 'sweep-per-class': { type: 'string', default: '50' } } });
const names = values.model ? [values.model] : ['fashion-cnn', 'fashion-resnet'];
for (const name of names) {
  const model = `public/demo/models/${name}/model.json`;
  if (!existsSync(model)) {
    console.error(`demo:bundle: ${model} is missing; run npm run train:demo first.`);
    process.exit(1);
  }
  const args = ['analyze', '--model', model, '--images', 'public/demo/fashion/test2000.json', '--steps', '10', '--target', 'logit', '--reduction', 'net', '--sae', 'stsae', '--sae-on', 'both', '--sae-epochs', values['sae-epochs']!, '--sae-lr', '1e-3', '--sweep', '--sweep-per-class', values['sweep-per-class']!, '--out', `public/demo/bundles/${name}`];
  if (values.limit) args.push('--limit', values.limit);
  const code = await runCli(args);
  if (code !== 0) process.exit(code);
}
