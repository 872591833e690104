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

/**
 * The backend prompt of Responses delegation (`delegation.responses.instructions`): the model that
 * calls Kaiwa's tools for the voice model. Its answer goes back to the voice model, which speaks it.
 */
export const LIVE_BACKEND_INSTRUCTIONS = [
  "You carry out tasks for Kaiwa, a desktop voice assistant, with Kaiwa's functions.",
  'Call a function when the task needs one. Some functions ask the user first: when the result says the user denied it or did not answer, do not retry; report that plainly.',
  'When a function fails or its arguments were rejected, correct them once if you can, otherwise report the problem.',
  'Answer in one or two short sentences in the language of the conversation: your answer is spoken to the user.',
].join(' ');

/** A client delegation when Kaiwa has no tools turned on (the delegation names no task Kaiwa could run). */
export const LIVE_NO_TOOLS =
  'Kaiwa cannot do this: it has no tools turned on for this conversation. Tell the user briefly that you cannot do that here.';

/**
 * A tool's result that could not go back to the delegation it belongs to, because the session was
 * renewed or reconnected while the tool ran: it is told as general context instead.
 */
export function lateResultNote(name: string, output: string): string {
  const shown = output.length > 1200 ? `${output.slice(0, 1199)}…` : output;
  return `Earlier you asked for the tool "${name}"; the connection was renewed while it ran. Its result: ${shown}. Tell the user what it means for their request.`;
}

/**
 * Typed words as the Live model gets them (live-session.ts, "Typed words"): speakable context that
 * says they are the user's own turn, so the model answers them rather than reading them out.
 */
export function typedNote(text: string): string {
  return `The user typed this message to you instead of saying it: """${text}""" Answer it now, aloud, exactly as you would answer it spoken. Do not read the message back.`;
}

/** Silent context when a picture went to the Responses backend (pictures are the backend's, not the Live model's). */
export function backendPictureNote(width: number, height: number): string {
  return `The user just showed a picture (${width}×${height} px). You cannot see pictures yourself, but your backend can: for anything about this picture, delegate the task to the backend.`;
}

/** Silent context when a new session's backend is given the newest picture again (after a renewal or reconnect). */
export function backendPictureAgainNote(width: number, height: number): string {
  return `The last picture the user showed (${width}×${height} px) is with your backend again in this session: for anything about it, delegate the task to the backend.`;
}
