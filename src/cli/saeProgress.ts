/**
 * Progress of SAE training on stderr (the loss curve as numbers): at most one line every 2 s,
 * and the last evaluation of each fit, so a long fit on a wide layer is never silent.
 */
export interface SaeEpoch {
  layer: string;
  source: string;
  epoch: number;
  step?: number;
  steps?: number;
  trainLoss: number;
  valLoss: number;
}

export function saeProgressLine(label: string, write: (s: string) => void = (s) => process.stderr.write(s + '\n'), every = 2000): (p: SaeEpoch) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    const done = p.step !== undefined && p.steps !== undefined && p.step >= p.steps;
    if (now - last < every && !done) return;
    last = now;
    const at = p.step !== undefined ? `step ${p.step}/${p.steps}` : `epoch ${p.epoch}`;
    write(`[${label}] SAE ${p.layer} ${p.source}: ${at} (epoch ${p.epoch}), train loss ${p.trainLoss.toPrecision(3)}, validation loss ${p.valLoss.toPrecision(3)}`);
  };
}
