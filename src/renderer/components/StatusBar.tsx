import { useRef, type ReactNode, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { saidWords, type Translate } from '../../shared/i18n';
import type { AssistantState, Protocol } from '../../shared/ipc';
import { fireAndForget, useBridge } from '../bridge';
import { useT } from '../i18n';
import { isActive } from '../state/reducer';
import type { Notice, UiError, UiState } from '../state/types';
import { describeError, describeState, errorNeedsSettings } from '../state/words';
import { DevicesInUse } from './DevicesInUse';
import { MeterStatus } from './Meter';

interface StatusBarProps {
  ui: UiState;
  muted: boolean;
  /** The conversation protocol the settings resolve to; shown once known. */
  protocol?: Protocol | undefined;
  onDismissError: () => void;
  onDismissNotice: (id: number) => void;
  onOpenSettings: () => void;
  /** Lines of their own above the status line (the update line). */
  children?: ReactNode;
}

const TONE: Record<AssistantState, 'off' | 'busy' | 'live' | 'warn' | 'bad'> = {
  idle: 'off',
  connecting: 'busy',
  reconnecting: 'warn',
  listening: 'live',
  'user-speaking': 'live',
  thinking: 'live',
  speaking: 'live',
  interrupted: 'live',
  error: 'bad',
};

function connectionWords(t: Translate, state: AssistantState, attempt?: number): string {
  if (state === 'idle') return t('connection.notConnected');
  if (state === 'error') return t('connection.disconnected');
  if (state === 'connecting' || state === 'reconnecting') return describeState(t, state, attempt);
  return t('connection.connected');
}

/** Connection state, errors and notices in words, the mute indicator and the conversation's meter. */
export function StatusBar({ ui, muted, protocol, onDismissError, onDismissNotice, onOpenSettings, children }: StatusBarProps) {
  const t = useT();
  return (
    <footer className="status-bar">
      {ui.error && <ErrorBanner error={ui.error} onDismiss={onDismissError} onOpenSettings={onOpenSettings} />}
      {ui.notices.map((notice) => (
        <NoticeLine key={notice.id} notice={notice} onDismiss={onDismissNotice} />
      ))}
      {children}
      <div className="status-line">
        <span className={`status-dot tone-${TONE[ui.state]}`} aria-hidden="true" />
        <span className="status-connection" role="status">
          {connectionWords(t, ui.state, ui.attempt)}
        </span>
        {protocol && (
          <span className="status-protocol" title={t('connection.protocolTitle')} data-protocol={protocol}>
            {t(protocol === 'live' ? 'connection.protocol.live' : 'connection.protocol.realtime')}
          </span>
        )}
        <DevicesInUse devices={ui.devices} />
        {muted && (
          <span className="status-muted" role="status">
            {t('status.muted')}
          </span>
        )}
        <MeterStatus meter={ui.meter} />
      </div>
    </footer>
  );
}

function ErrorBanner({ error, onDismiss, onOpenSettings }: { error: UiError; onDismiss: () => void; onOpenSettings: () => void }) {
  const t = useT();
  return (
    <div className="banner banner-error" role="alert" data-code={error.code}>
      <div className="banner-text">
        <strong>{describeError(t, error.code)}</strong>
        <span className="banner-detail">{saidWords(t, error.said)}</span>
      </div>
      {errorNeedsSettings(error.code) && (
        <button type="button" className="link-button" onClick={onOpenSettings}>
          {t('control.openSettings')}
        </button>
      )}
      <button type="button" className="icon-button" aria-label={t('control.dismiss')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

function NoticeLine({ notice, onDismiss }: { notice: Notice; onDismiss: (id: number) => void }) {
  const t = useT();
  return (
    <div className="banner banner-notice" role="status">
      <span className="banner-text">{saidWords(t, notice.said)}</span>
      <button type="button" className="icon-button" aria-label={t('control.dismiss')} onClick={() => onDismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}

interface TalkControlsProps {
  state: AssistantState;
  muted: boolean;
  manualTurns: boolean;
  onMute: (muted: boolean) => void;
}

/** Talk/Stop, hold-to-talk (manual turn detection) and mute. */
export function TalkControls({ state, muted, manualTurns, onMute }: TalkControlsProps) {
  const bridge = useBridge();
  const t = useT();
  const active = isActive(state);
  const holding = useRef(false);

  const press = (event: ReactPointerEvent<HTMLButtonElement>) => {
    if (event.button > 0 || holding.current) return; // primary button (or touch/pen) only
    holding.current = true;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    fireAndForget(bridge.talkStart());
  };
  const release = () => {
    if (!holding.current) return;
    holding.current = false;
    fireAndForget(bridge.talkStop());
  };
  const holdKey = (event: ReactKeyboardEvent<HTMLButtonElement>, down: boolean) => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    if (down && !event.repeat && !holding.current) {
      holding.current = true;
      fireAndForget(bridge.talkStart());
    } else if (!down) release();
  };

  return (
    <div className="talk-controls">
      <button
        type="button"
        className={`talk-button${active ? ' active' : ''}`}
        onClick={() => fireAndForget(active ? bridge.stop() : bridge.start())}
      >
        {active ? t('control.stop') : t('control.talk')}
      </button>
      {manualTurns && active && (
        <button
          type="button"
          className="hold-button"
          onPointerDown={press}
          onPointerUp={release}
          onPointerCancel={release}
          onLostPointerCapture={release}
          onKeyDown={(e) => holdKey(e, true)}
          onKeyUp={(e) => holdKey(e, false)}
        >
          {t('control.hold')}
        </button>
      )}
      <button
        type="button"
        className={`mute-button${muted ? ' on' : ''}`}
        aria-pressed={muted}
        onClick={() => onMute(!muted)}
        title={muted ? t('control.unmuteTitle') : t('control.muteTitle')}
      >
        {muted ? t('control.unmute') : t('control.mute')}
      </button>
    </div>
  );
}
