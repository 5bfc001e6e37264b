/**
 * The model worker's entry: exposes a Session over Comlink. Errors leave as `{name, message}`
 * only (no stack, no engine objects), as DESIGN.md asks.
 */
import * as Comlink from 'comlink';
import { Session } from './session';

const original = Comlink.transferHandlers.get('throw')!;
Comlink.transferHandlers.set('throw', {
  canHandle: original.canHandle,
  serialize(thrown: unknown) {
    const v = (thrown as { value: unknown }).value;
    const e = v instanceof Error ? v : { name: 'Error', message: String(v) };
    return [{ isError: true, value: { name: e.name || 'Error', message: e.message || String(v) } }, []];
  },
  deserialize: original.deserialize,
});

Comlink.expose(new Session());
