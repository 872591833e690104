import { errorWords, stateWords, type Translate } from '../../shared/i18n';
import type { AssistantState, ErrorCode } from '../../shared/ipc';

/** What each state is called on screen. */
export function describeState(t: Translate, state: AssistantState, attempt?: number): string {
  return stateWords(t, state, attempt);
}

/** A hint under the state, saying what the person can do now. */
export function stateHint(t: Translate, state: AssistantState, manualTurns: boolean): string {
  switch (state) {
    case 'idle':
      return t('hint.idle');
    case 'connecting':
    case 'reconnecting':
      return t('hint.connecting');
    case 'listening':
      return manualTurns ? t('hint.listeningManual') : t('hint.listening');
    case 'user-speaking':
      return manualTurns ? t('hint.userSpeakingManual') : t('hint.userSpeaking');
    case 'thinking':
      return t('hint.thinking');
    case 'speaking':
      return t('hint.speaking');
    case 'interrupted':
      return t('hint.interrupted');
    case 'error':
      return t('hint.error');
  }
}

/** An error in words a person understands, keyed on the engine's error code. */
export function describeError(t: Translate, code: ErrorCode): string {
  return errorWords(t, code);
}

/** Errors the person fixes in Settings: the banner offers a button to go there. */
export function errorNeedsSettings(code: ErrorCode): boolean {
  return code === 'auth' || code === 'not-found' || code === 'config' || code === 'device' || code === 'protocol';
}
