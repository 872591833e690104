/**
 * Words to the model, not to people (what people read is said by key: engine/messages.ts and the
 * i18n catalogues).
 */

/** Instructions are fixed at session.start; a change is appended with this in front. */
export const LIVE_INSTRUCTIONS_CHANGED = 'Your instructions have changed. From now on, follow these instead of the earlier ones:';

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
