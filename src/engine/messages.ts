/**
 * What the engine has to say to people, by catalogue key: a notice or error event carries `key`
 * and `params`, and each front end puts them into words through the i18n catalogues
 * (src/shared/i18n/catalogues, English and Japanese). The engine itself holds no sentence a person
 * reads; a `detail` param is text the engine only passes on (a server's or the OS's own words).
 * A param may itself be something the engine says (`Words`): "Connection lost: {{detail}}" with
 * the refused connection's own key inside; front ends put the inner one into words first.
 *
 * Each key is named once here with the params its words use; test/engine/messages.test.ts checks
 * that both catalogues have every key with exactly these params.
 */
export interface EngineMessages {
  'notice.connectionLost': { detail: Words };
  /** GPT-Live (session/live, live/keeper). */
  'notice.liveExpiredRenewed': undefined;
  'notice.liveInstructionsAppended': undefined;
  'notice.liveServerInfo': { detail: string };
  'notice.liveToolsNextSession': undefined;
  'notice.liveVoiceNextSession': undefined;
  /** Typed words or a picture with no conversation running. */
  'notice.noConversation': undefined;
  /** Pictures (input/picture.ts): what a protocol cannot take. */
  'notice.picturesNeedRealtimeOrTools': undefined;
  'notice.picturesNotInBeta': undefined;
  'notice.rateLimitReached': { limits: string };
  'notice.rateLimitReachedResets': { limits: string; resetMs: number };
  'notice.rateLimitReset': undefined;
  'notice.reconnected': undefined;
  'notice.sessionRenewed': undefined;
  /** Version skew (realtime/version-skew.ts): a setting this server's API version does not take. */
  'notice.skewNoiseReduction': undefined;
  'notice.skewOther': { param: string };
  'notice.skewSpeed': undefined;
  'notice.skewTools': { param: string };
  'notice.skewTranscriptionLanguage': undefined;
  'notice.skewTurnDetection': { param: string };
  'notice.skewVoice': { voice: string };
  /** The spending cap (meter/guard.ts); amounts in US dollars. */
  'notice.spendingCapRaised': { capUsd: number };
  'notice.spendingCapReached': { capUsd: number; costUsd: number };
  'notice.spendingCapReachedLive': { capUsd: number; costUsd: number };
  'notice.spendingCapRemoved': undefined;
  'notice.spendingCapUnknownPrice': { model: string };
  'notice.transcriptionFailed': { detail: string };
  /** Typed words (input/typed.ts) that cannot be a turn. */
  'notice.typedEmpty': undefined;
  'notice.typedTooLong': { length: number; maximum: number };

  'error.badAudio': { detail: string };
  'error.betaRetired': undefined;
  'error.connectionFailed': { detail: Words };
  'error.echoCanceller': { detail: string };
  'error.internalDetail': { detail: string };
  /** GPT-Live's Responses backend (the model that calls Kaiwa's tools) failed; `model` is the setting's value. */
  'error.liveBackendFailed': { model: string; detail: string };
  'error.localVad': { detail: string };
  'error.microphoneFailed': { detail: string };
  'error.microphoneNotStarted': { detail: string };
  'error.serverSaid': { detail: string };
  'error.settingInvalid': { detail: Words };
  'error.speakerFailed': { detail: string };
  'error.speakerNotStarted': { detail: string };
  'error.unexpectedEvent': { detail: Words };

  /** What the live devices could not open, and what stands in (the conversation still runs). */
  'device.noInput': undefined;
  'device.noInputMatches': { selector: string; available: string };
  'device.noMicrophone': undefined;
  'device.noMicrophoneBecause': { detail: string };
  'device.noOutput': undefined;
  'device.noOutputMatches': { selector: string; available: string };
  'device.noSpeaker': undefined;
  'device.noSpeakerBecause': { detail: string };
  'device.nowPlaying': { name: string };

  /** Why a recording cannot be used (AudioDecodeError); the path is named by whoever shows it. */
  'recording.cannotDecode': { detail: string };
  'recording.cannotRead': { detail: string };
  'recording.empty': undefined;
  /** An m4a/AAC recording where the terminal or `kaiwa serve` has no ffmpeg to decode it (audio/ffmpeg.ts). */
  'recording.needsFfmpeg': { format: string };
  'recording.noAudio': undefined;
  'recording.unknownFormat': { formats: string };

  /** Why a picture cannot be used (InputError, input/picture.ts). */
  'picture.corrupt': { detail: string };
  'picture.empty': undefined;
  'picture.notImage': undefined;
  'picture.tooBig': { maxMb: number };
  'picture.tooLarge': { width: number; height: number; maxSide: number; maxMegapixels: number };

  /** What is wrong with an event the server sent (the dialects' decoders, the connection). */
  'protocol.binaryFrame': { bytes: number };
  'protocol.fieldInvalid': { event: string; field: string; expected: string };
  'protocol.fieldMissing': { event: string; field: string };
  'protocol.invalidJson': { detail: string };
  'protocol.noType': undefined;
  'protocol.notObject': undefined;
  'protocol.untranslatable': { event: string; detail: string };

  /** Why a connection could not open or ended (ConnectionError, the reconnect policy). */
  'failure.closed': { code: number };
  'failure.closedBeforeOpen': undefined;
  'failure.closedInHandshake': { host: string; code: number };
  'failure.closedMalformed': { code: number };
  'failure.closedPolicy': { code: number };
  'failure.closedProtocolError': { code: number };
  'failure.closedTooBig': { code: number };
  'failure.closedUnacceptable': { code: number };
  'failure.dnsFailed': { host: string };
  'failure.entraNoRole': { status: number };
  'failure.entraRejected': { status: number };
  'failure.gaveUp': { attempts: number; failure: Words };
  'failure.http': { status: number };
  'failure.liveConnectionLost': undefined;
  'failure.liveEnded': { reason: string };
  'failure.liveSafetyFilter': undefined;
  'failure.liveServerClosed': undefined;
  'failure.liveServerEnded': undefined;
  'failure.liveStartClosed': { reason: string };
  'failure.liveStartConnectionClosed': { code: number };
  'failure.liveStartMalformed': { detail: string };
  'failure.liveStartRefused': { failure: Words };
  'failure.liveStartTimeout': { seconds: number };
  'failure.httpKeyRejected': { status: number };
  'failure.httpNoAccess': { status: number };
  'failure.httpNotFound': { status: number };
  'failure.httpRefused': { status: number };
  'failure.httpServerFailed': { status: number };
  'failure.httpTooManyRequests': { status: number };
  'failure.notOpen': { event: string };
  'failure.openedTwice': undefined;
  'failure.other': { host: string; detail: string };
  'failure.refused': { host: string };
  'failure.renewFailed': { failure: Words };
  'failure.reset': { host: string };
  'failure.serverSaid': { failure: Words; detail: string };
  'failure.timedOut': { host: string; ms: number };

  /** Microsoft Entra ID (engine/auth): why no token came. */
  'auth.cliMissing': undefined;
  'auth.notSignedIn': undefined;
  /** The desktop app's browser sign-in can no longer renew its token silently. */
  'auth.signInAgain': undefined;
  'auth.tokenFailed': { detail: string };
  'auth.wrongTenant': undefined;

  /** What is wrong with the settings an endpoint is made of (EndpointError). */
  'endpoint.azureDeploymentMissing': undefined;
  'endpoint.azureEndpointMissing': undefined;
  'endpoint.azureKeyMissing': undefined;
  'endpoint.azureNotHttps': { scheme: string };
  'endpoint.azureNotUrl': { endpoint: string };
  'endpoint.customUrl': undefined;
  'endpoint.customUrlMissing': undefined;
  'endpoint.localUrl': undefined;
  'endpoint.openaiKeyMissing': undefined;
  'endpoint.simulatorNotRunning': undefined;
  'endpoint.unknownProvider': { provider: string };
  'endpoint.urlInvalid': { what: Words };
  'endpoint.urlNotWs': { what: Words; scheme: string };

  /** A setting's problem (SettingsError): `setting.issue` names the field, the others what is wrong. */
  'setting.issue': { field: string; problem: Words };
  'setting.invalid': undefined;
  'setting.notBoolean': undefined;
  'setting.notFeedUrl': undefined;
  'setting.notInteger': undefined;
  'setting.notLanguageCode': undefined;
  'setting.notNumber': undefined;
  'setting.notOneOf': { values: string };
  'setting.notText': undefined;
  'setting.notUrl': undefined;
  'setting.notWsUrl': undefined;
  'setting.tooBig': { maximum: number };
  'setting.tooLong': { maximum: number };
  'setting.tooShort': { minimum: number };
  'setting.tooSmall': { minimum: number };

  /** Kaiwa's tools (tools/builtin): each one's name in the settings, and what it would do, for the consent prompt. */
  'tool.get_time.consent': undefined;
  'tool.get_time.label': undefined;
  'tool.mcp.consent': { server: string; tool: string };
  'tool.notify.consent': { title: string };
  'tool.notify.label': undefined;
  'tool.open_url.consent': { url: string };
  'tool.open_url.label': undefined;
  'tool.read_clipboard.consent': undefined;
  'tool.read_clipboard.label': undefined;
  'tool.set_timer.consent': { ms: number; label: string };
  'tool.set_timer.fired': undefined;
  'tool.set_timer.label': undefined;
  'tool.write_clipboard.consent': { text: string };
  'tool.write_clipboard.label': undefined;
}

export type EngineMessageKey = keyof EngineMessages;

/** A param that is text passed on as it is, or something the engine says, put into words first. */
export type Words = string | EngineMessage;

/** A key with its params, typed together. */
export type EngineMessage = {
  [K in EngineMessageKey]: EngineMessages[K] extends undefined ? { key: K; params?: undefined } : { key: K; params: EngineMessages[K] };
}[EngineMessageKey];

/** Every key, for the catalogue check (the object's type makes it complete). */
export const ENGINE_MESSAGE_KEYS = Object.keys({
  'notice.connectionLost': true,
  'notice.liveExpiredRenewed': true,
  'notice.liveInstructionsAppended': true,
  'notice.liveServerInfo': true,
  'notice.liveToolsNextSession': true,
  'notice.liveVoiceNextSession': true,
  'notice.noConversation': true,
  'notice.picturesNeedRealtimeOrTools': true,
  'notice.picturesNotInBeta': true,
  'notice.rateLimitReached': true,
  'notice.rateLimitReachedResets': true,
  'notice.rateLimitReset': true,
  'notice.reconnected': true,
  'notice.sessionRenewed': true,
  'notice.skewNoiseReduction': true,
  'notice.skewOther': true,
  'notice.skewSpeed': true,
  'notice.skewTools': true,
  'notice.skewTranscriptionLanguage': true,
  'notice.skewTurnDetection': true,
  'notice.skewVoice': true,
  'notice.spendingCapRaised': true,
  'notice.spendingCapReached': true,
  'notice.spendingCapReachedLive': true,
  'notice.spendingCapRemoved': true,
  'notice.spendingCapUnknownPrice': true,
  'notice.transcriptionFailed': true,
  'notice.typedEmpty': true,
  'notice.typedTooLong': true,
  'error.badAudio': true,
  'error.betaRetired': true,
  'error.connectionFailed': true,
  'error.echoCanceller': true,
  'error.internalDetail': true,
  'error.liveBackendFailed': true,
  'error.localVad': true,
  'error.microphoneFailed': true,
  'error.microphoneNotStarted': true,
  'error.serverSaid': true,
  'error.settingInvalid': true,
  'error.speakerFailed': true,
  'error.speakerNotStarted': true,
  'error.unexpectedEvent': true,
  'device.noInput': true,
  'device.noInputMatches': true,
  'device.noMicrophone': true,
  'device.noMicrophoneBecause': true,
  'device.noOutput': true,
  'device.noOutputMatches': true,
  'device.noSpeaker': true,
  'device.noSpeakerBecause': true,
  'device.nowPlaying': true,
  'recording.cannotDecode': true,
  'recording.cannotRead': true,
  'recording.empty': true,
  'recording.needsFfmpeg': true,
  'recording.noAudio': true,
  'recording.unknownFormat': true,
  'picture.corrupt': true,
  'picture.empty': true,
  'picture.notImage': true,
  'picture.tooBig': true,
  'picture.tooLarge': true,
  'protocol.binaryFrame': true,
  'protocol.fieldInvalid': true,
  'protocol.fieldMissing': true,
  'protocol.invalidJson': true,
  'protocol.noType': true,
  'protocol.notObject': true,
  'protocol.untranslatable': true,
  'failure.closed': true,
  'failure.closedBeforeOpen': true,
  'failure.closedInHandshake': true,
  'failure.closedMalformed': true,
  'failure.closedPolicy': true,
  'failure.closedProtocolError': true,
  'failure.closedTooBig': true,
  'failure.closedUnacceptable': true,
  'failure.dnsFailed': true,
  'failure.entraNoRole': true,
  'failure.entraRejected': true,
  'failure.gaveUp': true,
  'failure.http': true,
  'failure.liveConnectionLost': true,
  'failure.liveEnded': true,
  'failure.liveSafetyFilter': true,
  'failure.liveServerClosed': true,
  'failure.liveServerEnded': true,
  'failure.liveStartClosed': true,
  'failure.liveStartConnectionClosed': true,
  'failure.liveStartMalformed': true,
  'failure.liveStartRefused': true,
  'failure.liveStartTimeout': true,
  'failure.httpKeyRejected': true,
  'failure.httpNoAccess': true,
  'failure.httpNotFound': true,
  'failure.httpRefused': true,
  'failure.httpServerFailed': true,
  'failure.httpTooManyRequests': true,
  'failure.notOpen': true,
  'failure.openedTwice': true,
  'failure.other': true,
  'failure.refused': true,
  'failure.renewFailed': true,
  'failure.reset': true,
  'failure.serverSaid': true,
  'failure.timedOut': true,
  'auth.cliMissing': true,
  'auth.notSignedIn': true,
  'auth.signInAgain': true,
  'auth.tokenFailed': true,
  'auth.wrongTenant': true,
  'endpoint.azureDeploymentMissing': true,
  'endpoint.azureEndpointMissing': true,
  'endpoint.azureKeyMissing': true,
  'endpoint.azureNotHttps': true,
  'endpoint.azureNotUrl': true,
  'endpoint.customUrl': true,
  'endpoint.customUrlMissing': true,
  'endpoint.localUrl': true,
  'endpoint.openaiKeyMissing': true,
  'endpoint.simulatorNotRunning': true,
  'endpoint.unknownProvider': true,
  'endpoint.urlInvalid': true,
  'endpoint.urlNotWs': true,
  'setting.issue': true,
  'setting.invalid': true,
  'setting.notBoolean': true,
  'setting.notFeedUrl': true,
  'setting.notInteger': true,
  'setting.notLanguageCode': true,
  'setting.notNumber': true,
  'setting.notOneOf': true,
  'setting.notText': true,
  'setting.notUrl': true,
  'setting.notWsUrl': true,
  'setting.tooBig': true,
  'setting.tooLong': true,
  'setting.tooShort': true,
  'setting.tooSmall': true,
  'tool.get_time.consent': true,
  'tool.get_time.label': true,
  'tool.mcp.consent': true,
  'tool.notify.consent': true,
  'tool.notify.label': true,
  'tool.open_url.consent': true,
  'tool.open_url.label': true,
  'tool.read_clipboard.consent': true,
  'tool.read_clipboard.label': true,
  'tool.set_timer.consent': true,
  'tool.set_timer.fired': true,
  'tool.set_timer.label': true,
  'tool.write_clipboard.consent': true,
  'tool.write_clipboard.label': true,
} satisfies Record<EngineMessageKey, true>) as EngineMessageKey[];

/** `{ key, params }` for an event or error, params checked against the key. */
export function say<K extends EngineMessageKey>(
  key: K,
  ...params: EngineMessages[K] extends undefined ? [] : [EngineMessages[K]]
): EngineMessage {
  return (params.length > 0 ? { key, params: params[0] } : { key }) as EngineMessage;
}
