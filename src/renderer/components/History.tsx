import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../shared/ipc';
import { useBridge } from '../bridge';
import { turnsFromEntries, type HistoryLine } from '../state/history';
import { Transcript } from './Transcript';

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Past conversations, read-only. */
export function History() {
  const bridge = useBridge();
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [open, setOpen] = useState<{ summary: ConversationSummary; lines: HistoryLine[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    bridge.listConversations().then(
      (items) => live && setList(items),
      () => live && setProblem('Could not load past conversations.'),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  const show = async (summary: ConversationSummary) => {
    try {
      setProblem(null);
      setOpen({ summary, lines: turnsFromEntries(await bridge.openConversation(summary.id)) });
    } catch {
      setProblem('Could not open that conversation.');
    }
  };

  return (
    <div className="history">
      <nav className="history-list" aria-label="Past conversations">
        {problem && <p className="field-error" role="alert">{problem}</p>}
        {list === null && !problem && <p className="muted">Loading…</p>}
        {list?.length === 0 && <p className="muted">No conversations yet.</p>}
        <ul>
          {list?.map((c) => (
            <li key={c.id}>
              <button type="button" className={`history-item${open?.summary.id === c.id ? ' selected' : ''}`} onClick={() => void show(c)}>
                <span className="history-title">{c.title || 'Untitled conversation'}</span>
                <span className="history-meta">
                  {when(c.startedAt)} · {c.turns} {c.turns === 1 ? 'turn' : 'turns'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="history-detail" aria-label="Conversation">
        {open ? (
          <>
            <header className="history-header">
              <h2>{open.summary.title || 'Untitled conversation'}</h2>
              <span className="muted">{when(open.summary.startedAt)}</span>
            </header>
            <Transcript turns={open.lines.flatMap((l) => (l.turn ? [l.turn] : []))} follow={false} emptyText="Nothing was said." />
            {open.lines.some((l) => l.error) && (
              <ul className="history-errors">
                {open.lines.flatMap((l) => (l.error ? [<li key={l.error.at + l.error.message}>{l.error.message}</li>] : []))}
              </ul>
            )}
          </>
        ) : (
          <p className="muted history-placeholder">Choose a conversation to read it.</p>
        )}
      </section>
    </div>
  );
}
