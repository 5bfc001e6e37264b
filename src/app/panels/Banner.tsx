/** Errors, warnings and notices; an error never clears the analysis on screen. */
import { useApp } from '../context';

/** The message without a leading "<title>:" that repeats the bold title ("Link link: ..."). */
export function withoutTitle(title: string, message: string): string {
  const head = `${title.toLowerCase()}:`;
  return message.toLowerCase().startsWith(head) ? message.slice(head.length).trimStart() : message;
}

export function Banner() {
  const messages = useApp((s) => s.messages);
  const dismiss = useApp((s) => s.dismissMessage);
  if (!messages.length) return null;
  return (
    <div className="banner-stack">
      {messages.map((m) => (
        <div key={m.id} className={`banner ${m.level}`} role={m.level === 'error' ? 'alert' : 'status'} data-testid={`banner-${m.level}`}>
          <b>{m.title}</b>
          <span className="banner-msg">{withoutTitle(m.title, m.message)}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(m.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
