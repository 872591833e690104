import { useId, useState } from 'react';
import { fireAndForget, useBridge } from '../bridge';
import { useLanguage, useT } from '../i18n';
import { notesFor, useUpdateStatus } from '../state/useUpdates';
import './updates.css';

/**
 * The status bar's update line: a download under way, an update ready ("Restart to update", greyed
 * while a conversation runs; otherwise it installs when Kaiwa quits), or, for a .deb install, a new
 * version with its download link (opened by main). The new version's notes open under it, as text.
 */
export function UpdateBar() {
  const bridge = useBridge();
  const t = useT();
  const language = useLanguage();
  const status = useUpdateStatus(bridge);
  const [showNotes, setShowNotes] = useState(false);
  const notesId = useId();
  const next = status?.next;
  if (!status || !next || (status.phase !== 'downloading' && status.phase !== 'ready' && status.phase !== 'available')) return null;

  const version = next.version;
  const notes = notesFor(next.notes, language);
  return (
    <div className="update-bar" data-phase={status.phase}>
      <div className="update-line" role="status">
        <span className="update-text">
          {status.phase === 'downloading' && t('updates.downloading', { version, percent: next.percent ?? 0 })}
          {status.phase === 'ready' && t('updates.ready', { version })}
          {status.phase === 'available' && t('updates.available', { version })}
        </span>
        {status.phase !== 'downloading' && (
          <button type="button" className="link-button" aria-expanded={showNotes} aria-controls={notesId} onClick={() => setShowNotes(!showNotes)}>
            {showNotes ? t('updates.notes.hide') : t('updates.notes.show')}
          </button>
        )}
        {status.phase === 'ready' && (
          <button
            type="button"
            className="primary update-action"
            disabled={!status.canRestart}
            title={status.canRestart ? undefined : t('updates.restartWaits')}
            onClick={() => fireAndForget(bridge.restartToUpdate())}
          >
            {t('updates.restart')}
          </button>
        )}
        {status.phase === 'available' && (
          <button type="button" className="primary update-action" onClick={() => fireAndForget(bridge.openUpdateDownload())}>
            {t('updates.download')}
          </button>
        )}
      </div>
      {showNotes && (
        <section id={notesId} className="update-notes" aria-label={t('updates.notes.title', { version })}>
          <h2>{t('updates.notes.title', { version })}</h2>
          <p className="update-notes-text">{notes ?? t('updates.notes.none')}</p>
        </section>
      )}
    </div>
  );
}
