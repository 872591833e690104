import { useEffect, useState } from 'react';
import type { KaiwaBridge, ReleaseNotes, UpdateStatus } from '../../shared/ipc';

/** The updater's state as main pushes it (null until main answers). */
export function useUpdateStatus(bridge: KaiwaBridge): UpdateStatus | null {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    let live = true;
    let pushed = false;
    const unsubscribe = bridge.onUpdateStatus((next) => {
      pushed = true;
      setStatus(next);
    });
    // A push that arrived meanwhile is newer than this answer.
    bridge.getUpdateStatus().then((first) => live && !pushed && setStatus(first), () => undefined);
    return () => {
      live = false;
      unsubscribe();
    };
  }, [bridge]);
  return status;
}

/** The notes in the window's language; notes not split by language for everyone; else the other language's. */
export function notesFor(notes: ReleaseNotes, language: string): string | undefined {
  const own = language === 'ja' ? notes.ja : notes.en;
  return own ?? notes.any ?? notes.en ?? notes.ja;
}
