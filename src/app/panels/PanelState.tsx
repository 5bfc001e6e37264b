/** The empty, loading and error states every panel shows in place of its drawing. */
import type { ReactNode } from 'react';
import { useApp } from '../context';

export function PanelState({ kind, children }: { kind: 'empty' | 'loading' | 'error'; children: ReactNode }) {
  return (
    <div className={`panel-state ${kind}`} role={kind === 'error' ? 'alert' : undefined} data-state={kind}>
      {kind === 'loading' && <span className="spinner" />}
      <span>{children}</span>
    </div>
  );
}

export function Panel({ title, extra, className, children, testId }: { title: ReactNode; extra?: ReactNode; className?: string; children: ReactNode; testId: string }) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      <header className="panel-head">
        <h2>{title}</h2>
        <div className="panel-extra">{extra}</div>
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** A panel with no analysis yet: loading while something is being opened or run, else empty with `children`. */
export function NoAnalysis({ children }: { children: ReactNode }) {
  const job = useApp((s) => s.job);
  if (job.kind === 'idle') return <PanelState kind="empty">{children}</PanelState>;
  return <PanelState kind="loading">{job.kind === 'loading' ? `${job.what}…` : 'Analyzing…'}</PanelState>;
}
