/**
 * Every line a person reads from a GPT-Live session, in one place until the engine's messages
 * move to message keys in the i18n catalogues (src/shared/i18n).
 */
export const LIVE_MESSAGES = {
  reconnected: 'Reconnected.',
  rolledOver: 'Session renewed.',
  renewed: 'The GPT-Live session reached its time limit; a new one continues the conversation.',
  connectionLost: (why: string) => `Connection lost: ${why}`,
  serverInfo: (message: string) => `GPT-Live: ${message}`,
  badAudio: (why: string) => `Bad audio from the server: ${why}`,
  instructionsAppended: 'The new instructions were added to the running GPT-Live session.',
  voiceNextSession: 'The voice of a GPT-Live session is fixed at its start: the new voice applies to the next session.',
} as const;

/**
 * What the model is told when the user stops its reply with the interrupt button (GPT-Live has no
 * truncate: see live-session.ts, "Push-to-interrupt"). Words to the model, not to the user.
 */
export function interruptNote(heard: string): string {
  const quote = heard.length > 600 ? `…${heard.slice(heard.length - 599)}` : heard;
  return quote
    ? `The user pressed Stop and cut your last reply short. They heard only this much of it: "${quote}". Do not continue or repeat that reply; wait for the user to speak.`
    : 'The user pressed Stop before hearing any of your last reply. Do not continue or repeat it; wait for the user to speak.';
}
