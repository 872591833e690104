import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../shared/ipc';
import { messageWords, type MessageKey, type Translate } from '../../shared/i18n';
import { useBridge } from '../bridge';
import { useT } from '../i18n';
import { meterWords, type MeterReading } from '../../shared/meter-words';
import { turnsFromEntries, type HistoryLine } from '../state/history';
import { Transcript } from './Transcript';

function when(t: Translate, iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : t('history.startedAt', { at });
}

/** What a past conversation used and cost. */
function HistoryMeter({ meter }: { meter: MeterReading }) {
  const t = useT();
  const words = meterWords(t, meter);
  return (
    <p className="history-meter" title={[...words.usage.map((p) => p.title), words.cost.title].join('\n')}>
      {t('history.meter', { usage: words.usage.map((p) => p.text).join(', '), cost: words.cost.text })}
    </p>
  );
}

/** Past conversations, read-only. */
export function History() {
  const bridge = useBridge();
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [open, setOpen] = useState<{ summary: ConversationSummary; lines: HistoryLine[] } | null>(null);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const t = useT();

  useEffect(() => {
    let live = true;
    bridge.listConversations().then(
      (items) => live && setList(items),
      () => live && setProblem('history.loadFailed'),
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
      setProblem('history.openFailed');
    }
  };

  return (
    <div className="history">
      <nav className="history-list" aria-label={t('history.list')}>
        {problem && <p className="field-error" role="alert">{t(problem)}</p>}
        {list === null && !problem && <p className="muted">{t('history.loading')}</p>}
        {list?.length === 0 && <p className="muted">{t('history.empty')}</p>}
        <ul>
          {list?.map((c) => (
            <li key={c.id}>
              <button type="button" className={`history-item${open?.summary.id === c.id ? ' selected' : ''}`} onClick={() => void show(c)}>
                <span className="history-title">{c.title || t('history.untitled')}</span>
                <span className="history-meta">
                  {when(t, c.startedAt)} · {t('history.turns', { count: c.turns })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="history-detail" aria-label={t('history.conversation')}>
        {open ? (
          <>
            <header className="history-header">
              <h2>{open.summary.title || t('history.untitled')}</h2>
              <span className="muted">{when(t, open.summary.startedAt)}</span>
            </header>
            <Transcript turns={open.lines.flatMap((l) => l.turn ?? l.tool ?? l.picture ?? [])} follow={false} emptyText={t('history.nothingSaid')} />
            {open.lines.map((l, i) => (l.meter ? <HistoryMeter key={`meter-${i}`} meter={l.meter} /> : null))}
            {open.lines.some((l) => l.error) && (
              <ul className="history-errors">
                {open.lines.flatMap((l, i) =>
                  l.error ? [<li key={`${l.error.at}-${i}`}>{typeof l.error.said === 'string' ? l.error.said : messageWords(t, l.error.said)}</li>] : [],
                )}
              </ul>
            )}
          </>
        ) : (
          <p className="muted history-placeholder">{t('history.choose')}</p>
        )}
      </section>
    </div>
  );
}
