/**
 * What the controller's parts share: the store, the worker client with its op queue, the bundle
 * on screen, and each other (a part calls another through `c.<part>`).
 */
import type { AppStore } from '../store/store';
import { errorText, WorkerClient } from '../workerClient';
import { OpQueue } from '../opQueue';
import { Analysis } from './analysis';
import { LiveRequests } from './liveRequests';
import { Loaders } from './loaders';
import { Recovery } from './recovery';
import { Startup } from './startup';
import { LinkView } from './urlView';
import { Views } from './views';

export class ControllerContext {
  readonly client = new WorkerClient();
  /** Every change to the worker's state runs through this queue, one at a time (see OpQueue). */
  readonly ops = new OpQueue(this.client);
  /** The bundle URL as opened (relative to the page when it was given so), for the link. */
  bundleRef: string | null = null;

  readonly startup = new Startup(this);
  readonly loaders = new Loaders(this);
  readonly url = new LinkView(this);
  readonly views = new Views(this);
  readonly live = new LiveRequests(this);
  readonly analysis = new Analysis(this);
  readonly recovery = new Recovery(this);

  constructor(readonly store: AppStore) {}

  get s() {
    return this.store.getState();
  }

  error(title: string, e: unknown): void {
    const { name, message } = errorText(e);
    if (name === 'CancelledError') this.s.pushMessage({ level: 'info', title: 'Cancelled', message });
    else this.s.pushMessage({ level: 'error', title, message });
  }
}
