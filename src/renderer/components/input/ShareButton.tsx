import { useEffect, useId, useRef, useState } from 'react';
import type { ShareStatus } from '../../../shared/ipc';
import { fireAndForget, useBridge } from '../../bridge';
import { useT } from '../../i18n';
import { SharePicker } from './SharePicker';

interface Props {
  share: ShareStatus;
  /** Whether the conversation can take pictures (main derives it from the settings); false says why. */
  picturesSupported: boolean;
}

/** Share a screen or window (the picker), or, while sharing, stop with one click. */
export function ShareButton({ share, picturesSupported }: Props) {
  const bridge = useBridge();
  const t = useT();
  const noteId = useId();
  const [picking, setPicking] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const wasPicking = useRef(false);
  // Focus goes back to the button once the picker is gone (not before: its removal would drop it).
  useEffect(() => {
    if (wasPicking.current && !picking) button.current?.focus();
    wasPicking.current = picking;
  }, [picking]);
  const close = () => setPicking(false);

  if (share.sharing) {
    return (
      <button type="button" className="share-button sharing" aria-pressed="true" onClick={() => fireAndForget(bridge.stopSharing())}>
        {t('share.stop')}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        ref={button}
        className="share-button"
        aria-haspopup="dialog"
        disabled={!picturesSupported}
        aria-describedby={picturesSupported ? undefined : noteId}
        title={picturesSupported ? t('share.start.title') : t('pictures.unsupported')}
        onClick={() => setPicking(true)}
      >
        {t('share.start')}
      </button>
      {!picturesSupported && (
        <span id={noteId} className="share-unsupported">
          {t('pictures.unsupported')}
        </span>
      )}
      {picking && <SharePicker onClose={close} />}
    </>
  );
}
