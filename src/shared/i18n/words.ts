import type { AssistantState, ErrorCode, NoticeSaid } from '../../engine/events';
import type { Translate } from './types';
import type { MessageKey } from './catalogues';

/** The engine's vocabulary, keyed into the catalogues: every front end names states and errors alike. */

export const STATE_KEYS: Record<AssistantState, MessageKey> = {
  idle: 'state.idle',
  connecting: 'state.connecting',
  reconnecting: 'state.reconnecting',
  listening: 'state.listening',
  'user-speaking': 'state.user-speaking',
  thinking: 'state.thinking',
  speaking: 'state.speaking',
  interrupted: 'state.interrupted',
  error: 'state.error',
};

export const ERROR_KEYS: Record<ErrorCode, MessageKey> = {
  auth: 'error.auth',
  'not-found': 'error.not-found',
  'rate-limit': 'error.rate-limit',
  network: 'error.network',
  server: 'error.server',
  protocol: 'error.protocol',
  'session-expired': 'error.session-expired',
  device: 'error.device',
  config: 'error.config',
  internal: 'error.internal',
};

/** A state in words; a reconnect says which attempt it is on. */
export function stateWords(t: Translate, state: AssistantState, attempt?: number): string {
  return state === 'reconnecting' && attempt ? t('state.reconnectingAttempt', { attempt }) : t(STATE_KEYS[state]);
}

/**
 * What the engine (or main) said, a notice or an error's detail, in the reader's language: its
 * catalogue key and params, a param that is itself a message put into words first.
 */
export function saidWords(t: Translate, said: NoticeSaid): string {
  return messageWords(t, said);
}

/** A catalogue key with its params, a param perhaps itself a KeyedWords (an EngineMessage is one). */
export interface KeyedWords {
  key: string;
  params?: object;
}

/** A front end's own message by catalogue key (a param may be a nested message): put into words by `messageWords`. */
export function keyed(key: MessageKey, params?: Record<string, unknown>): KeyedWords {
  return params ? { key, params } : { key };
}

/**
 * One message in words (an engine message, or a front end's own key), nested messages in its
 * params included; a param that is a list of messages becomes their words, one after another.
 */
export function messageWords(t: Translate, message: KeyedWords): string {
  const words = (value: unknown): unknown => (isKeyedWords(value) ? messageWords(t, value) : value);
  const params: Record<string, unknown> = Object.fromEntries(
    Object.entries(message.params ?? {}).map(([name, value]) => [
      name,
      Array.isArray(value) && value.length > 0 && value.every(isKeyedWords) ? value.map(words).join('; ') : words(value),
    ]),
  );
  return t(message.key as never, params);
}

/** An error code in words a person understands. */
export function errorWords(t: Translate, code: ErrorCode): string {
  return t(ERROR_KEYS[code]);
}

/** A param that is a nested message (plain data: it crossed IPC or a log file as an object). */
function isKeyedWords(value: unknown): value is KeyedWords {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string';
}
