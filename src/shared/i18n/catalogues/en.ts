/**
 * English: the reference catalogue. Every word a person reads in Kaiwa (window, tray, terminal,
 * notices, errors) is here and in `ja.ts`, under the same key.
 *
 * Layout, so that several people can add keys at once and rebase cleanly: flat keys named
 * `area.thing`, grouped by area (one blank-line-separated block per area), sorted inside a block,
 * one key per line, a trailing comma on every line. Values use i18next interpolation
 * (`{{name}}`); a key with a `count` has `_one` and `_other` forms (Japanese repeats `_other`).
 * test/shared/i18n.test.ts fails when a key is missing in either catalogue or used nowhere (a key
 * counts as used when some source file outside this folder has it as a string literal: a `t(...)`
 * call, or a table typed `Record<..., MessageKey>` such as `STATE_KEYS`; the engine names its
 * notices and errors by such literals too, since it may not import this folder).
 */
export const en = {
  'cli.flag.azure-api-version': 'Azure preview (beta) endpoint: its api-version',
  'cli.flag.azure-deployment': 'Azure: the deployment name',
  'cli.flag.azure-endpoint': 'Azure: the resource URL, e.g. https://NAME.openai.azure.com',
  'cli.flag.dialect': 'Realtime wire shape',
  'cli.flag.duration': 'stop after this many seconds',
  'cli.flag.eagerness': 'semantic_vad: how soon the model answers',
  'cli.flag.echo-cancellation': 'cancel the speaker’s sound in the microphone (laptop speakers)',
  'cli.flag.help': 'show this help',
  'cli.flag.input': 'speak this file instead of the microphone; exit when done',
  'cli.flag.input-device': 'listen to this microphone (PortAudio name, id or default)',
  'cli.flag.instructions': 'system instructions',
  'cli.flag.interruption': 'when your speech interrupts a reply: at once, or after a pause to decide',
  'cli.flag.language': 'the language of Kaiwa’s own words',
  'cli.flag.list-devices': 'list the audio devices and exit',
  'cli.flag.min-speech-ms': 'pause-then-decide: speech longer than this (ms) interrupts',
  'cli.flag.model': 'model or deployment name',
  'cli.flag.output': 'record what is played to this file',
  'cli.flag.output-device': 'play to this speaker (PortAudio name, id or default)',
  'cli.flag.prefix-padding-ms': 'audio kept before detected speech (ms)',
  'cli.flag.protocol': 'conversation protocol (auto follows the model)',
  'cli.flag.provider': 'which service (default: from the environment, else the built-in simulator)',
  'cli.flag.silence-ms': 'silence that ends your turn (ms)',
  'cli.flag.transcript': 'write transcripts, interruptions and errors as JSON lines',
  'cli.flag.transcription-language': 'the language you speak (ISO-639-1, e.g. ja); unset: detect',
  'cli.flag.transcription-model': 'model that transcribes your speech',
  'cli.flag.turn-detection': 'who decides that you have finished speaking (manual: push-to-talk)',
  'cli.flag.url': 'a Realtime-compatible ws:// or wss:// URL (custom provider)',
  'cli.flag.vad-threshold': 'server_vad: speech detection threshold, 0 to 1',
  'cli.flag.voice': 'the reply voice: {{values}}',
  'cli.usage.about': 'Talk to a voice model from the terminal. With no API key and no --provider/--url it talks to the built-in simulator.',
  'cli.usage.environment': 'Environment: OPENAI_API_KEY, or AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_DEPLOYMENT; KAIWA_AUDIO_DEBUG=1 shows the sound system’s own messages.',
  'cli.usage.keys': 'Keys (terminal): space interrupts, t toggles talking (manual mode), q quits.',
  'cli.usage.run': 'Running:',
  'cli.usage.settings': 'Settings (flags win over the environment):',

  'error.auth': 'Your API key was rejected. Check it in Settings.',
  'error.config': 'A setting is invalid. Open Settings to fix it.',
  'error.device': 'No microphone found, or the microphone stopped. Check your audio devices in Settings.',
  'error.internal': 'Something went wrong inside Kaiwa. Press Talk to try again.',
  'error.network': 'Can’t reach the server. Check your connection.',
  'error.not-found': 'That model or deployment doesn’t exist. Check the model (or Azure deployment) in Settings.',
  'error.protocol': 'The server answered in a way Kaiwa didn’t expect. Try the other protocol dialect in Settings.',
  'error.rate-limit': 'You’ve hit the rate limit. Wait a moment, then try again.',
  'error.server': 'The server ran into a problem. Try again in a moment.',
  'error.session-expired': 'The session expired. Press Talk to start a new one.',

  'state.connecting': 'Connecting…',
  'state.error': 'Stopped',
  'state.idle': 'Ready',
  'state.interrupted': 'Interrupted',
  'state.listening': 'Listening',
  'state.reconnecting': 'Reconnecting…',
  'state.reconnectingAttempt': 'Reconnecting (attempt {{attempt}})…',
  'state.speaking': 'Speaking',
  'state.thinking': 'Thinking…',
  'state.user-speaking': 'Hearing you',
};

/** A key of the catalogues. */
export type MessageKey = keyof typeof en;
/** A catalogue: every key, no other. */
export type Catalogue = Record<MessageKey, string>;
