import { describe, expect, it } from 'vitest';
import { ENGINE_MESSAGE_KEYS, say, type EngineMessageKey, type EngineMessages } from '../../src/engine/messages';
import { CATALOGUES, LANGUAGES, type MessageKey } from '../../src/shared/i18n';

// Type level: every engine key is a catalogue key (a missing one fails the typecheck here).
const everyKeyInCatalogues: [Exclude<EngineMessageKey, MessageKey>] extends [never] ? true : false = true;

/** The params an engine key's words use, as messages.ts names them (one sample message per key). */
const SAMPLE_PARAMS: { [K in EngineMessageKey]: EngineMessages[K] } = {
  'notice.connectionLost': { detail: 'x' },
  'notice.rateLimitReached': { limits: 'tokens' },
  'notice.rateLimitReachedResets': { limits: 'tokens', resetMs: 12_000 },
  'notice.rateLimitReset': undefined,
  'notice.reconnected': undefined,
  'notice.sessionRenewed': undefined,
  'notice.transcriptionFailed': { detail: 'x' },
  'error.badAudio': { detail: 'x' },
  'error.betaRetired': undefined,
  'error.connectionFailed': { detail: 'x' },
  'error.echoCanceller': { detail: 'x' },
  'error.internalDetail': { detail: 'x' },
  'error.microphoneFailed': { detail: 'x' },
  'error.microphoneNotStarted': { detail: 'x' },
  'error.serverSaid': { detail: 'x' },
  'error.settingInvalid': { detail: 'x' },
  'error.speakerFailed': { detail: 'x' },
  'error.speakerNotStarted': { detail: 'x' },
  'error.unexpectedEvent': { detail: 'x' },
};

describe('engine messages', () => {
  it('are all in every catalogue, each with exactly the params the engine sends', () => {
    expect(everyKeyInCatalogues).toBe(true);
    expect([...ENGINE_MESSAGE_KEYS].sort()).toEqual(Object.keys(SAMPLE_PARAMS).sort());
    const variables = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]))].sort();
    for (const language of LANGUAGES) {
      for (const key of ENGINE_MESSAGE_KEYS) {
        const text: string | undefined = CATALOGUES[language][key];
        expect(text, `${language} ${key}`).toBeTruthy();
        expect(variables(text!), `${language} ${key}`).toEqual(Object.keys(SAMPLE_PARAMS[key] ?? {}).sort());
      }
    }
  });

  it('say() pairs a key with its params, and leaves params out when a key has none', () => {
    expect(say('notice.reconnected')).toEqual({ key: 'notice.reconnected' });
    expect(say('error.microphoneFailed', { detail: 'unplugged' })).toEqual({ key: 'error.microphoneFailed', params: { detail: 'unplugged' } });
  });
});
