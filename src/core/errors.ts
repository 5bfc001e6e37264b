/**
 * Typed errors of the engine. Only `{name, message}` crosses the worker boundary, so the
 * message alone must say where (function or file), which argument, what was expected and
 * what came: `conductance: steps must be an integer >= 1, but got 0.`
 */
export type CodecErrorKind =
  | 'InputError' // bad argument from a caller
  | 'ModelError' // malformed or unsupported model
  | 'ImageError' // undecodable or out-of-range image
  | 'BundleError' // malformed analysis bundle
  | 'DataError' // malformed data file (IDX, image set)
  | 'CancelledError'; // the user cancelled (AbortSignal)

export class CodecError extends Error {
  constructor(
    public readonly kind: CodecErrorKind,
    message: string,
  ) {
    // One line, always: file contents quoted in a message (a parser's "Unexpected token") may
    // carry newlines or control characters.
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, '?'));
    this.name = kind;
  }
}

/** Throws an InputError with `message()` when `cond` is false (lazy message, as tfjs' util.assert). */
export function check(cond: unknown, message: () => string, kind: CodecErrorKind = 'InputError'): asserts cond {
  if (!cond) throw new CodecError(kind, message());
}

/** Throws a CancelledError when the signal is aborted. Call between chunks of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw new CodecError('CancelledError', `${where}: cancelled.`);
}

/**
 * A message from elsewhere (JSON.parse quotes the input, which may hold newlines and binary) as
 * one printable line of at most `max` characters.
 */
export function oneLine(message: string, max = 200): string {
  const s = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** The plain `{name, message}` of any thrown value, for the worker boundary and the CLI. */
export function errorInfo(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** Checks that a value is one of the allowed keywords (as Observable Plot's keyword()). */
export function keyword<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  check((allowed as readonly string[]).includes(v), () => `unknown ${name}: ${value} (expected one of ${allowed.join(', ')})`);
  return v as T;
}
