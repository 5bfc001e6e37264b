/** Command-line parsing helpers over node:util parseArgs, with one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CodecError } from '../core/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(command: string, argv: string[], options: Options, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
  } catch (e) {
    throw new CodecError('InputError', `${command}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed.positionals.length < positionals) throw new CodecError('InputError', `${command}: expected ${positionals} positional argument(s), got ${parsed.positionals.length}.`);
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

export function required(command: string, values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CodecError('InputError', `${command}: --${name} is required.`);
  return v;
}

export function intOpt(command: string, values: Record<string, unknown>, name: string, dflt: number, min = 0): number {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CodecError('InputError', `${command}: --${name} must be an integer >= ${min}, but got ${String(v)}.`);
  return n;
}

export function numOpt(command: string, values: Record<string, unknown>, name: string, dflt: number): number {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CodecError('InputError', `${command}: --${name} must be a number, but got ${String(v)}.`);
  return n;
}

/** Progress on stderr, one line rewritten in place when stderr is a terminal. */
export function progressLine(label: string): (done: number, total: number, stage?: string) => void {
  let last = 0;
  return (done, total, stage) => {
    const now = Date.now();
    if (now - last < 250 && done < total) return;
    last = now;
    const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '?';
    const line = `[${label}] ${stage ?? ''} ${Math.round(done)}/${total} (${pct}%)`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}   ${done >= total ? '\n' : ''}`);
    else process.stderr.write(line + '\n');
  };
}
