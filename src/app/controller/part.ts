/** A part of the controller: it reaches the store, the worker client, the op queue and the other parts through the shared context. */
import type { ControllerContext } from './context';

export abstract class Part {
  constructor(protected readonly c: ControllerContext) {}

  protected get s() {
    return this.c.s;
  }

  protected get store() {
    return this.c.store;
  }

  protected get client() {
    return this.c.client;
  }

  /** Every change to the worker's state runs through this queue, one at a time (see OpQueue). */
  protected get ops() {
    return this.c.ops;
  }

  protected error(title: string, e: unknown): void {
    this.c.error(title, e);
  }
}
