/** The worker's one-line errors: an Error with a name (InputError unless told) that crosses to the page as {name, message}. */
export function fail(msg: string, name = 'InputError'): never {
  throw Object.assign(new Error(msg), { name });
}
