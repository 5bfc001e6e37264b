/**
 * How the model worker tells the page it can no longer compute (a WebGPU device lost, or a test's
 * simulated crash): a plain message next to Comlink's (which ignores it), so the page restarts the
 * worker on the next backend. A worker that dies outright is seen by the page itself. No tfjs
 * here: the page imports this file.
 */
export interface WorkerLostMessage {
  codecWorkerLost: true;
  reason: 'device-lost' | 'error';
  message: string;
}

export function isWorkerLost(d: unknown): d is WorkerLostMessage {
  return !!d && typeof d === 'object' && (d as { codecWorkerLost?: unknown }).codecWorkerLost === true;
}

export function reportLost(reason: WorkerLostMessage['reason'], message: string): void {
  const m: WorkerLostMessage = { codecWorkerLost: true, reason, message };
  (self as unknown as { postMessage(m: unknown): void }).postMessage(m);
}
