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
