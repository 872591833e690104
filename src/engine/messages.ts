/**
 * What the engine has to say to people, by catalogue key: a notice or error event carries `key`
 * and `params`, and each front end puts them into words through the i18n catalogues
 * (src/shared/i18n/catalogues, English and Japanese). The engine itself holds no sentence a person
 * reads; a `detail` param is text the engine only passes on (a server's or the OS's own words).
 *
 * Each key is named once here with the params its words use; test/engine/messages.test.ts checks
 * that both catalogues have every key with exactly these params.
 */
export interface EngineMessages {
  'notice.connectionLost': { detail: string };
  'notice.rateLimitReached': { limits: string };
  'notice.rateLimitReachedResets': { limits: string; resetMs: number };
  'notice.rateLimitReset': undefined;
  'notice.reconnected': undefined;
  'notice.sessionRenewed': undefined;
  'notice.transcriptionFailed': { detail: string };

  'error.badAudio': { detail: string };
  'error.betaRetired': undefined;
  'error.connectionFailed': { detail: string };
  'error.echoCanceller': { detail: string };
  'error.internalDetail': { detail: string };
  'error.microphoneFailed': { detail: string };
  'error.microphoneNotStarted': { detail: string };
  'error.serverSaid': { detail: string };
  'error.settingInvalid': { detail: string };
  'error.speakerFailed': { detail: string };
  'error.speakerNotStarted': { detail: string };
  'error.unexpectedEvent': { detail: string };
}

export type EngineMessageKey = keyof EngineMessages;

/** A key with its params, typed together. */
export type EngineMessage = {
  [K in EngineMessageKey]: EngineMessages[K] extends undefined ? { key: K; params?: undefined } : { key: K; params: EngineMessages[K] };
}[EngineMessageKey];

/** Every key, for the catalogue check (the object's type makes it complete). */
export const ENGINE_MESSAGE_KEYS = Object.keys({
  'notice.connectionLost': true,
  'notice.rateLimitReached': true,
  'notice.rateLimitReachedResets': true,
  'notice.rateLimitReset': true,
  'notice.reconnected': true,
  'notice.sessionRenewed': true,
  'notice.transcriptionFailed': true,
  'error.badAudio': true,
  'error.betaRetired': true,
  'error.connectionFailed': true,
  'error.echoCanceller': true,
  'error.internalDetail': true,
  'error.microphoneFailed': true,
  'error.microphoneNotStarted': true,
  'error.serverSaid': true,
  'error.settingInvalid': true,
  'error.speakerFailed': true,
  'error.speakerNotStarted': true,
  'error.unexpectedEvent': true,
} satisfies Record<EngineMessageKey, true>) as EngineMessageKey[];

/** `{ key, params }` for an event or error, params checked against the key. */
export function say<K extends EngineMessageKey>(
  key: K,
  ...params: EngineMessages[K] extends undefined ? [] : [EngineMessages[K]]
): EngineMessage {
  return (params.length > 0 ? { key, params: params[0] } : { key }) as EngineMessage;
}
