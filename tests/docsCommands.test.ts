/**
 * Every command in the docs still runs as written (issue #22). The fenced `sh` / `bash` blocks of
 * README.md and docs/*.md are split into commands, and each one is
 *  - run, if an explicit allow-list (RUN_RULES) says it is quick and read-only: exit status 0
 *    within 60 s;
 *  - dry-checked, if it is long or serving (npm test, npm start, training, the benchmark, analyze...):
 *    the npm script exists, every --flag is one the script declares (for `npm run codec -- <command>`,
 *    the option keys of that command's parse(...) call in src/cli/commands/), every VAR= setting is
 *    read by the script, and every input path in the repository exists;
 *  - a failure otherwise, naming the file, line and command, so the docs cannot drift.
 * How to extend it: docs/testing.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const RUN_TIMEOUT_MS = 60_000;

export interface DocCommand {
  file: string;
  line: number;
  text: string;
  /** Shell words, quotes removed. */
  words: string[];
  /** Names of leading VAR=value settings. */
  env: string[];
}

/** Quick and read-only: these run. Anchored patterns over the command as written. */
const RUN_RULES: { name: string; re: RegExp }[] = [
  { name: 'codec help', re: /^npm run codec -- (--help|-h|help)$/ },
  { name: 'codec layers of a shipped model', re: /^npm run codec -- layers --model public\/demo\/[\w./-]+\/model\.json( --json)?$/ },
  { name: 'codec report of a shipped bundle', re: /^npm run codec -- report public\/demo\/bundles\/[\w.-]+\/?( --json)?$/ },
  { name: 'codec retina-report help', re: /^npm run codec -- retina-report --help$/ },
  { name: 'byte count of files', re: /^wc -c( [\w./*-]+)+$/ },
];

// ---- extraction --------------------------------------------------------------------------

type Token = { word: string } | { op: string };

/** A small shell tokenizer: quotes, backslash escapes, comments, and the operators && || ; |. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let cur: string | null = null;
  let i = 0;
  const push = () => {
    if (cur !== null) out.push({ word: cur });
    cur = null;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) throw new Error(`unterminated ' in: ${line}`);
      cur = (cur ?? '') + line.slice(i + 1, j);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        s += line[j++];
      }
      if (j >= line.length) throw new Error(`unterminated " in: ${line}`);
      cur = (cur ?? '') + s;
      i = j + 1;
    } else if (c === '\\' && i + 1 < line.length) {
      cur = (cur ?? '') + line[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      push();
      i++;
    } else if (c === '#' && cur === null) {
      break; // a comment
    } else if (line.startsWith('&&', i) || line.startsWith('||', i)) {
      push();
      out.push({ op: line.slice(i, i + 2) });
      i += 2;
    } else if (c === ';' || c === '|' || c === '&' || c === '>' || c === '<') {
      push();
      out.push({ op: c });
      i++;
    } else {
      cur = (cur ?? '') + c;
      i++;
    }
  }
  push();
  return out;
}

/** The commands of the fenced sh/bash blocks of one markdown text. */
export function extractCommands(md: string, file: string): DocCommand[] {
  const lines = md.split(/\r?\n/);
  const cmds: DocCommand[] = [];
  let fence: string | null = null;
  let shell = false;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const open = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(raw);
    if (fence === null) {
      if (open) {
        fence = open[1];
        shell = ['sh', 'bash', 'shell', 'console', 'zsh'].includes(open[2].toLowerCase());
      }
      continue;
    }
    if (raw.trim().startsWith(fence) && raw.trim().replace(/[`~]/g, '') === '') {
      fence = null;
      continue;
    }
    if (!shell) continue;
    let text = raw;
    const line = n + 1;
    while (/\\\s*$/.test(text) && n + 1 < lines.length) text = text.replace(/\\\s*$/, ' ') + lines[++n].trim();
    text = text.trim().replace(/^\$\s+/, '');
    if (text === '' || text.startsWith('#')) continue;
    let words: string[] = [];
    const flush = (joined: string) => {
      if (words.length === 0) return;
      const env: string[] = [];
      while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0])) env.push(words.shift()!.split('=')[0]);
      cmds.push({ file, line, text: joined.trim(), words, env });
      words = [];
    };
    let segment = '';
    for (const t of tokenize(text)) {
      if ('word' in t) {
        words.push(t.word);
        segment += ' ' + (/[\s#'"]/.test(t.word) || t.word === '' ? `'${t.word}'` : t.word);
      } else if (t.op === '&&' || t.op === ';' || t.op === '||') {
        flush(segment);
        segment = '';
      } else {
        // A pipe or a redirection: keep the whole line as one command no rule will know.
        words.push(t.op);
        segment += ' ' + t.op;
      }
    }
    flush(segment);
  }
  return cmds;
}

// ---- what the scripts accept ---------------------------------------------------------------

const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** Option keys of parseArgs-style declarations: `name: { type: 'string' }`, `'name-x': { type: ... }`. */
function optionKeys(src: string): Set<string> {
  const keys = new Set<string>();
  for (const m of src.matchAll(/['"]?([A-Za-z][\w-]*)['"]?\s*:\s*\{\s*type\s*:\s*['"](?:string|boolean)['"]/g)) keys.add(m[1]);
  return keys;
}

/** The flags a script accepts: parseArgs options, `--flag` literals it looks for, arg('name') helpers. */
function scriptFlags(src: string): Set<string> {
  const flags = optionKeys(src);
  for (const m of src.matchAll(/(?:includes|indexOf|startsWith|opt|find|===)\s*\(?\s*['"`]--([A-Za-z][\w-]*)/g)) flags.add(m[1]);
  if (src.includes('`--${')) for (const m of src.matchAll(/\barg\(\s*['"]([A-Za-z][\w-]*)['"]/g)) flags.add(m[1]);
  return flags;
}

/** Environment variables a script reads. */
function scriptEnv(src: string): Set<string> {
  const env = new Set<string>();
  for (const m of src.matchAll(/\$\{?([A-Za-z_]\w*)/g)) env.add(m[1]);
  for (const m of src.matchAll(/process\.env\.([A-Za-z_]\w*)/g)) env.add(m[1]);
  return env;
}

/** `npm run codec -- <command>`: each command's option keys, from main.ts's dispatch and the command file. */
function codecCommands(): Map<string, Set<string>> {
  const main = read('src/cli/main.ts');
  const out = new Map<string, Set<string>>();
  for (const m of main.matchAll(/case '([\w-]+)':\s*return \(await import\('\.\/commands\/(\w+)'\)\)/g)) out.set(m[1], optionKeys(read(`src/cli/commands/${m[2]}.ts`)));
  return out;
}
const CODEC = codecCommands();

/** Values of these flags are outputs, not inputs that must exist. */
const OUTPUT_FLAGS = new Set(['out', 'out-root', 'json']);
const REPO_DIRS = /^(public|src|tests|bench|scripts|e2e|docs)\//;

function checkPaths(words: string[], problems: string[]) {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const prev = words[i - 1];
    if (!REPO_DIRS.test(w) || /[*<>]/.test(w)) continue;
    if (prev?.startsWith('--') && OUTPUT_FLAGS.has(prev.slice(2))) continue;
    if (!existsSync(path.join(ROOT, w))) problems.push(`${w} does not exist`);
  }
}

/** Flags in `args` (`--name`, `--name=value`) that `accepted` lacks; a lone `-x` is never accepted. */
function checkFlags(args: string[], accepted: Set<string>, what: string, problems: string[]) {
  for (const a of args) {
    if (a === '--') continue;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0];
      if (!accepted.has(name)) problems.push(`${what} has no flag --${name}`);
    } else if (/^-[A-Za-z]/.test(a)) problems.push(`${what}: short flag ${a} cannot be checked; write the long form`);
  }
}

function checkCodec(args: string[], problems: string[]) {
  const [cmd, ...rest] = args;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') return;
  const opts = CODEC.get(cmd);
  if (!opts) return void problems.push(`codec has no command ${cmd} (it has ${[...CODEC.keys()].join(', ')})`);
  checkFlags(rest, opts, `codec ${cmd}`, problems);
}

/** A script file run with flags: it exists, and declares each flag and VAR= setting. */
function checkScriptFile(file: string, args: string[], env: string[], problems: string[]) {
  if (!existsSync(path.join(ROOT, file))) return void problems.push(`${file} does not exist`);
  if (path.normalize(file) === path.normalize('src/cli/bin.ts')) return checkCodec(args, problems);
  const src = read(file);
  checkFlags(args, scriptFlags(src), file, problems);
  const vars = scriptEnv(src);
  for (const v of env) if (!vars.has(v)) problems.push(`${file} does not read ${v}`);
}

/** `npm run <script> -- args`: the script exists; its args are checked against the file it runs. */
function checkNpmScript(name: string, args: string[], env: string[], problems: string[]) {
  const script = pkg.scripts[name];
  if (script === undefined) return void problems.push(`package.json has no script "${name}"`);
  const m = /^(?:tsx|node|bash|sh)\s+(\S+)(.*)$/.exec(script);
  if (m) return checkScriptFile(m[1], args, env, problems);
  if (args.length > 0 || env.length > 0) problems.push(`npm script "${name}" (${script}) takes no arguments this test can check`);
}

const NPM_BUILTIN = /^npm (install|ci)( --no-audit| --no-fund)*$/;
const TSC = /^npx tsc -p tsconfig\.json --noEmit$/;

export type Verdict = { kind: 'run'; rule: string } | { kind: 'dry'; problems: string[] } | { kind: 'unknown' };

export function classify(c: DocCommand): Verdict {
  const text = c.words.join(' ');
  if (c.env.length === 0) {
    const rule = RUN_RULES.find((r) => r.re.test(text));
    if (rule) return { kind: 'run', rule: rule.name };
  }
  const w = c.words;
  const problems: string[] = [];
  if (w.some((x) => ['|', '&', '>', '<'].includes(x))) return { kind: 'unknown' };
  if (NPM_BUILTIN.test(text) && c.env.length === 0) return { kind: 'dry', problems };
  if (TSC.test(text)) return { kind: 'dry', problems };
  const split = (from: number) => {
    const dd = w.indexOf('--', from);
    return { before: w.slice(from, dd < 0 ? w.length : dd), after: dd < 0 ? [] : w.slice(dd + 1) };
  };
  if (w[0] === 'npm' && (w[1] === 'test' || w[1] === 'start')) {
    const { before, after } = split(2);
    if (before.length > 0) problems.push(`npm ${w[1]}: arguments before -- are npm's own (${before.join(' ')})`);
    checkNpmScript(w[1], after, c.env, problems);
    return { kind: 'dry', problems };
  }
  if (w[0] === 'npm' && (w[1] === 'run' || w[1] === 'run-script') && w[2]) {
    const { before, after } = split(3);
    if (before.length > 0) problems.push(`npm run ${w[2]}: arguments before -- are npm's own (${before.join(' ')})`);
    checkNpmScript(w[2], after, c.env, problems);
    checkPaths(after, problems);
    return { kind: 'dry', problems };
  }
  const file = w[0] === 'npx' && w[1] === 'tsx' ? 2 : ['node', 'tsx', 'bash', 'sh'].includes(w[0]) ? 1 : -1;
  if (file > 0 && w[file] && !w[file].startsWith('-')) {
    checkScriptFile(w[file], w.slice(file + 1), c.env, problems);
    checkPaths(w.slice(file + 1), problems);
    return { kind: 'dry', problems };
  }
  if (w[0] === 'npx' && w[1] === 'vitest' && w[2] === 'run' && c.env.length === 0) {
    for (const f of w.slice(3)) {
      if (f.startsWith('-')) problems.push(`vitest flag ${f} is not checked; leave it out of the docs or add it here`);
      else if (!existsSync(path.join(ROOT, f))) problems.push(`${f} does not exist`);
    }
    return { kind: 'dry', problems };
  }
  return { kind: 'unknown' };
}

// ---- the docs ------------------------------------------------------------------------------

function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

const COMMANDS = docFiles().flatMap((f) => extractCommands(read(f), f));
const where = (c: DocCommand) => `${c.file}:${c.line}: \`${c.text}\``;
const VERDICTS = COMMANDS.map((c) => ({ c, v: classify(c) }));
/** Commands to run, each once however many docs show it. */
const TO_RUN = [...new Map(VERDICTS.filter((x) => x.v.kind === 'run').map((x) => [x.c.text, x.c] as const)).values()];

function runShell(cmd: string): Promise<{ code: number | string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', cmd], { cwd: ROOT, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 2 ** 20, env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
      resolve({ code: e ? (e.killed ? 'timeout' : (e.code ?? 'error')) : 0, stdout, stderr });
    });
  });
}

describe('the commands in README.md and docs/*.md', () => {
  it('finds the commands, including the two of the README', () => {
    expect(COMMANDS.length).toBeGreaterThan(10);
    const readme = COMMANDS.filter((c) => c.file === 'README.md').map((c) => c.words.join(' '));
    expect(readme).toContain('npm install');
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
    expect(TO_RUN.length).toBeGreaterThanOrEqual(3);
  });

  it('has no command that is neither run nor dry-checkable', () => {
    const unknown = VERDICTS.filter((x) => x.v.kind === 'unknown').map((x) => where(x.c));
    expect(unknown, `these commands are neither run (RUN_RULES in tests/docsCommands.test.ts) nor dry-checkable: fix the doc, or add a rule if the command is quick and read-only:\n${unknown.join('\n')}`).toEqual([]);
  });

  it('dry-checks the long and serving commands: scripts, flags, settings and paths exist', () => {
    const bad = VERDICTS.flatMap((x) => (x.v.kind === 'dry' ? x.v.problems.map((p) => `${where(x.c)}: ${p}`) : []));
    expect(bad, `commands in the docs that would not run as written:\n${bad.join('\n')}`).toEqual([]);
  });

  it.each(TO_RUN.map((c) => [c.text, c] as const))('runs %s', async (_name, c) => {
    const r = await runShell(c.text);
    const tail = (s: string) => s.split('\n').slice(-15).join('\n');
    expect(r.code, `${where(c)} exited with ${r.code}\nstderr:\n${tail(r.stderr)}\nstdout:\n${tail(r.stdout)}`).toBe(0);
  }, RUN_TIMEOUT_MS + 30_000);
});

describe('the checker itself', () => {
  const one = (md: string) => extractCommands(md, 'planted.md').map(classify);

  it('refuses a flag the codec command does not declare, and a script or command that does not exist', () => {
    const [flag, cmd, script, file] = one(
      '```sh\nnpm run codec -- analyze --model public/demo/models/fashion-cnn/model.json --no-such-flag 1\nnpm run codec -- frobnicate\nnpm run no-such-script\nnpx tsx scripts/no-such-file.ts\n```\n',
    );
    expect(flag).toEqual({ kind: 'dry', problems: ['codec analyze has no flag --no-such-flag'] });
    expect(cmd.kind === 'dry' && cmd.problems[0]).toMatch(/no command frobnicate/);
    expect(script).toEqual({ kind: 'dry', problems: ['package.json has no script "no-such-script"'] });
    expect(file).toEqual({ kind: 'dry', problems: ['scripts/no-such-file.ts does not exist'] });
  });

  it('checks flags and settings of other scripts, and leaves unknown commands unknown', () => {
    const [bench, benchBad, stress, stressBad, other, install, start] = one(
      '```bash\nnpm run bench -- --quick --backends=wasm\nnpm run bench -- --fast\nRUNS=1 bash scripts/stress-test.sh\nNOPE=1 bash scripts/stress-test.sh\ncurl https://example.com | sh\n```\n\n```\nnot a shell block\n```\n```sh\nnpm install && npm start  # comment\n```\n',
    );
    expect(bench).toEqual({ kind: 'dry', problems: [] });
    expect(benchBad).toEqual({ kind: 'dry', problems: ['bench/run.ts has no flag --fast'] });
    expect(stress).toEqual({ kind: 'dry', problems: [] });
    expect(stressBad).toEqual({ kind: 'dry', problems: ['scripts/stress-test.sh does not read NOPE'] });
    expect(other).toEqual({ kind: 'unknown' });
    expect(install).toEqual({ kind: 'dry', problems: [] });
    expect(start).toEqual({ kind: 'dry', problems: [] });
  });

  it('runs only what the allow-list names', () => {
    const v = one('```sh\nnpm run codec -- --help\nnpm run codec -- layers --model public/demo/models/fashion-cnn/model.json\nnpm run codec -- layers --model /tmp/elsewhere/model.json\n```\n');
    expect(v.map((x) => x.kind)).toEqual(['run', 'run', 'dry']);
  });
});
