import { useEffect, useLayoutEffect, useRef } from 'react';
import type { AssistantState } from '../../shared/ipc';
import { fireAndForget, useBridge } from '../bridge';
import { useT } from '../i18n';
import { canInterrupt } from '../state/reducer';

interface Props {
  state: AssistantState;
  compact?: boolean;
}

/** Push-to-interrupt: cuts the reply that is playing. Disabled when nothing plays. */
export function InterruptButton({ state, compact = false }: Props) {
  const bridge = useBridge();
  const t = useT();
  const enabled = canInterrupt(state);
  return (
    <button
      type="button"
      className={`interrupt-button${compact ? ' compact' : ''}`}
      disabled={!enabled}
      aria-keyshortcuts="Escape"
      title={enabled ? t('control.interruptTitle') : t('control.interruptNothing')}
      onClick={() => fireAndForget(bridge.interrupt())}
    >
      <span className="interrupt-icon" aria-hidden="true" />
      <span className="interrupt-label">{t('control.interrupt')}</span>
      {!compact && <kbd>Esc</kbd>}
    </button>
  );
}

/**
 * Esc in the window interrupts what is playing. In the quick-talk window, Esc with nothing playing
 * hides the window. Keys already handled by a field (e.g. the hotkey capture) are left alone.
 */
export function useEscapeKey(state: AssistantState, quick: boolean): void {
  const bridge = useBridge();
  // Read at key time: the state the screen shows now, even if Esc comes right after a change.
  const current = useRef(state);
  useLayoutEffect(() => {
    current.current = state;
  }, [state]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.repeat) return;
      if (canInterrupt(current.current)) {
        event.preventDefault();
        fireAndForget(bridge.interrupt());
      } else if (quick) {
        event.preventDefault();
        fireAndForget(bridge.hideWindow());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bridge, quick]);
}
