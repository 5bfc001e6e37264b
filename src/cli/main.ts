/**
 * `npm run codec -- <command> ...`: the headless CLI. Progress goes to stderr; results to
 * stdout; any error is one line on stderr and a non-zero exit.
 */
import { errorInfo } from '../core/errors';

const USAGE = `usage: npm run codec -- <command> [options]
commands:
  analyze       --model <model.json> --images <dir|imageset.json> --layers <a,b,...> --out <dir> [options]
  predict       --model <model.json> --images <dir|imageset.json> [--preprocess-preset <name>]
  analyze ... --shard i/n   a partial bundle of images share i of n (0-based; docs/shards.md)
  merge         <shard bundles...> --out <dir> [SAE options of analyze]   join shards, fit SAEs and metrics
  fit           <bundle dir|zip> --out <dir> [SAE options of analyze]     refit a bundle's SAEs and metrics
  report        <bundle dir|zip> [--json]
  ablate        <bundle dir|zip> --model <model.json> --images <dir|imageset.json> --layer <name> --mode <k> --pct <p> [--kind destroy|preserve | --scale <f>] [--image <i>]
  layers        --model <model.json>
  retina-report [--json]
model.json: a tfjs LayersModel or GraphModel; --preprocess-preset: [0,1], [-1,1], caffe, imagenet or raw.
run a command with --help for its options.`;

export async function dispatch(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'analyze':
      return (await import('./commands/analyze')).analyzeCommand(rest);
    case 'predict':
      return (await import('./commands/predict')).predictCommand(rest);
    case 'merge':
      return (await import('./commands/merge')).mergeCommand(rest);
    case 'fit':
      return (await import('./commands/fit')).fitCommand(rest);
    case 'report':
      return (await import('./commands/report')).reportCommand(rest);
    case 'ablate':
      return (await import('./commands/ablate')).ablateCommand(rest);
    case 'layers':
      return (await import('./commands/layers')).layersCommand(rest);
    case 'retina-report':
      return (await import('./commands/retinaReport')).retinaReport(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      console.error(`codec: unknown command ${cmd}\n${USAGE}`);
      return 2;
  }
}

/** Runs a command; any error becomes one line on stderr and exit code 1. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    const { message } = errorInfo(e);
    console.error(`codec: ${message.split('\n')[0]}`);
    if (process.env.CODEC_DEBUG) console.error(e);
    return 1;
  }
}

