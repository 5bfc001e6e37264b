/**
 * The page's changes to the worker's state (start-up, restoring the last session, loading a
 * model, images or a bundle, analyzing, switching backend, restarting the worker) run one at a
 * time, in the order they were asked for. Before, a restore from the last session and a model
 * the user dropped at the same moment interleaved in the worker: the restore's cached analysis
 * came back holding a model the upload had replaced, and the user's own analysis then failed
 * ("Container 'tiny_cnn' is already disposed", issue #14).
 *
 * A call to a worker that crashed or was restarted never settles, so an op is also bounded by
 * the worker it started on: when that worker is lost the op ends at once with its `onLost`
 * value and the next op runs (a crash recovery, typically). Ops that restart the worker
 * themselves (recovery, a forced cancel) are not bounded by the worker they replace.
 */
import type { WorkerClient } from './workerClient';

export class OpQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly client: WorkerClient) {}

  /** Whether an op runs or waits. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs `fn` after the ops asked before it; if its worker is lost meanwhile, ends with `onLost`. */
  run<T>(fn: () => Promise<T>, onLost: T): Promise<T> {
    return this.enqueue(() => {
      const lost = this.client.lost.then(
        () => onLost,
        () => onLost,
      );
      return Promise.race([fn(), lost]);
    });
  }

  /** Runs `fn` (which may restart the worker itself) after the ops asked before it. */
  runRestarting<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue(fn);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.tail.then(fn).finally(() => this.pending--);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
