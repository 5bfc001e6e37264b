/**
 * The live ablation in one line at the top of the image panel, with a link down to the Ablation
 * panel: at 1280x800 and 1920x1080 that panel sits below the fold (#19 item 8), so without this a
 * visitor neither sees the output move nor knows the panel is there.
 */
import { useApp } from '../context';

export function AblationPeek() {
  const abl = useApp((s) => s.ablation);
  const analysis = useApp((s) => s.analysis);
  const d = abl.data;
  if (!analysis?.hasModel || !d) return null;
  // The class the image was predicted as before, and its probability before and after.
  let k = 0;
  for (let i = 1; i < d.before.length; i++) if (d.before[i] > d.before[k]) k = i;
  const name = analysis.classNames[k] ?? String(k);
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  const go = () => document.querySelector('[data-testid="panel-ablation"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  return (
    <button type="button" className="small ablation-peek" data-testid="ablation-peek" onClick={go} title="The Ablation panel, below: slide p, destroy or preserve, steer">
      {d.steer ? (d.steer.kind === 'add' ? `add #${d.mode} ×${d.steer.factor}` : `scale ${d.pct}% of #${d.mode} ×${d.steer.factor}`) : `${d.kind} ${d.pct}% of #${d.mode}`}: {name} {pct(d.before[k])} → {pct(d.after[k])} ↓
    </button>
  );
}
