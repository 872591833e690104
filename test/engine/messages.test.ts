import { describe, expect, it } from 'vitest';
import { ENGINE_MESSAGE_KEYS, say, type EngineMessageKey, type EngineMessages } from '../../src/engine/messages';
import { CATALOGUES, LANGUAGES, createI18n, messageWords, type MessageKey } from '../../src/shared/i18n';
import { SettingsError, parseSettings } from '../../src/engine/settings';

// Type level: every engine key is a catalogue key (a missing one fails the typecheck here).
const everyKeyInCatalogues: [Exclude<EngineMessageKey, MessageKey>] extends [never] ? true : false = true;

/** The params an engine key's words use, as messages.ts names them (one sample message per key). */
const SAMPLE_PARAMS: { [K in EngineMessageKey]: EngineMessages[K] } = {
  'notice.connectionLost': { detail: 'x' },
  'notice.liveExpiredRenewed': undefined,
  'notice.liveInstructionsAppended': undefined,
  'notice.liveServerInfo': { detail: 'x' },
  'notice.liveToolsNextSession': undefined,
  'notice.liveVoiceNextSession': undefined,
  'notice.noConversation': undefined,
  'notice.picturesNeedRealtimeOrTools': undefined,
  'notice.picturesNotInBeta': undefined,
  'notice.rateLimitReached': { limits: 'tokens' },
  'notice.rateLimitReachedResets': { limits: 'tokens', resetMs: 12_000 },
  'notice.rateLimitReset': undefined,
  'notice.reconnected': undefined,
  'notice.sessionRenewed': undefined,
  'notice.skewNoiseReduction': undefined,
  'notice.skewOther': { param: 'session.prompt' },
  'notice.skewSpeed': undefined,
  'notice.skewTools': { param: 'session.tools' },
  'notice.skewTranscriptionLanguage': undefined,
  'notice.skewTurnDetection': { param: 'session.turn_detection.eagerness' },
  'notice.skewVoice': { voice: 'marin' },
  'notice.spendingCapRaised': { capUsd: 2 },
  'notice.spendingCapReached': { capUsd: 1, costUsd: 1.0042 },
  'notice.spendingCapReachedLive': { capUsd: 1, costUsd: 1.0042 },
  'notice.spendingCapRemoved': undefined,
  'notice.spendingCapUnknownPrice': { model: 'my-deployment' },
  'notice.transcriptionFailed': { detail: 'x' },
  'notice.typedEmpty': undefined,
  'notice.typedTooLong': { length: 4_001, maximum: 4_000 },
  'picture.corrupt': { detail: 'x' },
  'picture.empty': undefined,
  'picture.notImage': undefined,
  'picture.tooBig': { maxMb: 50 },
  'picture.tooLarge': { width: 30_000, height: 20, maxSide: 16_384, maxMegapixels: 100 },
  'error.badAudio': { detail: 'x' },
  'error.betaRetired': undefined,
  'error.connectionFailed': { detail: 'x' },
  'error.echoCanceller': { detail: 'x' },
  'error.internalDetail': { detail: 'x' },
  'error.liveBackendFailed': { model: 'gpt-5-mini', detail: 'x' },
  'error.localVad': { detail: 'x' },
  'error.microphoneFailed': { detail: 'x' },
  'error.microphoneNotStarted': { detail: 'x' },
  'error.serverSaid': { detail: 'x' },
  'error.settingInvalid': { detail: 'x' },
  'error.speakerFailed': { detail: 'x' },
  'error.speakerNotStarted': { detail: 'x' },
  'error.unexpectedEvent': { detail: say('protocol.noType') },
  'device.noInput': undefined,
  'device.noInputMatches': { selector: 'usb', available: '0: pulse' },
  'device.noMicrophone': undefined,
  'device.noMicrophoneBecause': { detail: 'x' },
  'device.noOutput': undefined,
  'device.noOutputMatches': { selector: 'usb', available: '0: pulse' },
  'device.noSpeaker': undefined,
  'device.noSpeakerBecause': { detail: 'x' },
  'device.nowPlaying': { name: 'pulse' },
  'recording.cannotDecode': { detail: 'x' },
  'recording.cannotRead': { detail: 'x' },
  'recording.empty': undefined,
  'recording.needsFfmpeg': { format: 'm4a' },
  'recording.noAudio': undefined,
  'recording.unknownFormat': { formats: 'wav, mp3' },
  'protocol.binaryFrame': { bytes: 12 },
  'protocol.fieldInvalid': { event: 'response.done', field: 'response', expected: 'object' },
  'protocol.fieldMissing': { event: 'response.done', field: 'response' },
  'protocol.invalidJson': { detail: 'x' },
  'protocol.noType': undefined,
  'protocol.notObject': undefined,
  'protocol.untranslatable': { event: 'response.done', detail: 'x' },
  'failure.closed': { code: 1008 },
  'failure.closedBeforeOpen': undefined,
  'failure.closedInHandshake': { host: 'example.com', code: 1008 },
  'failure.closedMalformed': { code: 1008 },
  'failure.closedPolicy': { code: 1008 },
  'failure.closedProtocolError': { code: 1008 },
  'failure.closedTooBig': { code: 1008 },
  'failure.closedUnacceptable': { code: 1008 },
  'failure.dnsFailed': { host: 'example.com' },
  'failure.entraNoRole': { status: 403 },
  'failure.entraRejected': { status: 401 },
  'failure.gaveUp': { attempts: 3, failure: say('failure.refused', { host: 'example.com' }) },
  'failure.http': { status: 401 },
  'failure.liveConnectionLost': undefined,
  'failure.liveEnded': { reason: 'x' },
  'failure.liveSafetyFilter': undefined,
  'failure.liveServerClosed': undefined,
  'failure.liveServerEnded': undefined,
  'failure.liveStartClosed': { reason: 'x' },
  'failure.liveStartConnectionClosed': { code: 1011 },
  'failure.liveStartMalformed': { detail: 'x' },
  'failure.liveStartRefused': { failure: say('error.serverSaid', { detail: 'x' }) },
  'failure.liveStartTimeout': { seconds: 10 },
  'failure.httpKeyRejected': { status: 401 },
  'failure.httpNoAccess': { status: 401 },
  'failure.httpNotFound': { status: 401 },
  'failure.httpRefused': { status: 401 },
  'failure.httpServerFailed': { status: 401 },
  'failure.httpTooManyRequests': { status: 401 },
  'failure.notOpen': { event: 'response.create' },
  'failure.openedTwice': undefined,
  'failure.other': { host: 'example.com', detail: 'x' },
  'failure.refused': { host: 'example.com' },
  'failure.renewFailed': { failure: say('failure.refused', { host: 'example.com' }) },
  'failure.reset': { host: 'example.com' },
  'failure.serverSaid': { failure: say('failure.refused', { host: 'example.com' }), detail: 'x' },
  'failure.timedOut': { host: 'example.com', ms: 10_000 },
  'auth.cliMissing': undefined,
  'auth.notSignedIn': undefined,
  'auth.signInAgain': undefined,
  'auth.tokenFailed': { detail: 'x' },
  'auth.wrongTenant': undefined,
  'endpoint.azureDeploymentMissing': undefined,
  'endpoint.azureEndpointMissing': undefined,
  'endpoint.azureKeyMissing': undefined,
  'endpoint.azureNotHttps': { scheme: 'http:' },
  'endpoint.azureNotUrl': { endpoint: 'x' },
  'endpoint.customUrl': undefined,
  'endpoint.customUrlMissing': undefined,
  'endpoint.localUrl': undefined,
  'endpoint.openaiKeyMissing': undefined,
  'endpoint.simulatorNotRunning': undefined,
  'endpoint.unknownProvider': { provider: 'x' },
  'endpoint.urlInvalid': { what: say('endpoint.customUrl') },
  'endpoint.urlNotWs': { what: say('endpoint.customUrl'), scheme: 'http:' },
  'setting.issue': { field: 'turnDetection.threshold', problem: say('setting.tooBig', { maximum: 1 }) },
  'setting.invalid': undefined,
  'setting.notBoolean': undefined,
  'setting.notFeedUrl': undefined,
  'setting.notInteger': undefined,
  'setting.notLanguageCode': undefined,
  'setting.notNumber': undefined,
  'setting.notOneOf': { values: 'a, b' },
  'setting.notText': undefined,
  'setting.notUrl': undefined,
  'setting.notWsUrl': undefined,
  'setting.tooBig': { maximum: 1 },
  'setting.tooLong': { maximum: 1 },
  'setting.tooShort': { minimum: 1 },
  'setting.tooSmall': { minimum: 1 },
  'tool.get_time.consent': undefined,
  'tool.get_time.label': undefined,
  'tool.mcp.consent': { server: 'docs', tool: 'search' },
  'tool.notify.consent': { title: 'Tea' },
  'tool.notify.label': undefined,
  'tool.open_url.consent': { url: 'https://example.com/' },
  'tool.open_url.label': undefined,
  'tool.read_clipboard.consent': undefined,
  'tool.read_clipboard.label': undefined,
  'tool.set_timer.consent': { ms: 180_000, label: 'tea' },
  'tool.set_timer.fired': undefined,
  'tool.set_timer.label': undefined,
  'tool.write_clipboard.consent': { text: 'hello' },
  'tool.write_clipboard.label': undefined,
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

  it('puts a nested message into words first, in each language', () => {
    const refused = say('error.connectionFailed', { detail: say('failure.refused', { host: '127.0.0.1:9' }) });
    expect(messageWords(createI18n('en').t, refused)).toBe('The connection failed: Could not connect to 127.0.0.1:9: the connection was refused.');
    expect(messageWords(createI18n('ja').t, refused)).toBe('接続できませんでした: 127.0.0.1:9 に接続できませんでした（接続が拒否されました）。');
    const closed = say('failure.gaveUp', { attempts: 3, failure: say('failure.serverSaid', { failure: say('failure.closedPolicy', { code: 1008 }), detail: 'bye' }) });
    expect(messageWords(createI18n('ja').t, closed)).toBe(
      '3 回試しましたが、再接続できませんでした。サーバーがポリシー違反として接続を閉じました（1008）。 サーバーからのメッセージ: bye',
    );
  });
});

describe('settings problems', () => {
  const problems = (input: unknown) => {
    try {
      parseSettings(input);
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      return error as SettingsError;
    }
    throw new Error('expected the settings to be refused');
  };

  it('are keyed by what is wrong, the field named, with zod English kept for logs', () => {
    const error = problems({
      turnDetection: { threshold: 7, silenceDurationMs: 100.5 },
      voice: 'nobody',
      url: 'http://example.com',
      model: '',
      echoCancellation: 'yes',
      transcriptionLanguage: 'Japanese',
      provider: 'elsewhere',
    });
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p.problem]));
    expect(byPath).toMatchObject({
      'turnDetection.threshold': { key: 'setting.tooBig', params: { maximum: 1 } },
      'turnDetection.silenceDurationMs': { key: 'setting.notInteger' },
      voice: { key: 'setting.notOneOf' },
      url: { key: 'setting.notWsUrl' },
      model: { key: 'setting.tooShort', params: { minimum: 1 } },
      echoCancellation: { key: 'setting.notBoolean' },
      transcriptionLanguage: { key: 'setting.notLanguageCode' },
      provider: { key: 'setting.notOneOf', params: { values: 'local, openai, azure, custom' } },
    });
    expect(error.issues).toContain('turnDetection.threshold: Too big: expected number to be <=1');
    const ja = createI18n('ja').t;
    const threshold = error.said.find((s) => s.key === 'setting.issue' && s.params.field === 'turnDetection.threshold')!;
    expect(messageWords(ja, threshold)).toBe('turnDetection.threshold は 1 以下にしてください');
    expect(messageWords(createI18n('en').t, threshold)).toBe('turnDetection.threshold: must be at most 1');
  });
});

