import type { AssistantEvent, AssistantState, NoticeSaid } from '../../shared/ipc';
import { closeConsent, reduceToolEvent } from './tools';
import type { TranscriptLine, Turn, UiState } from './types';

/**
 * The conversation screen's state, reduced from AssistantEvent batches. Pure: no React, no bridge.
 * `levels` events are not reduced here: they arrive at up to 60 Hz and drive the pulse through a
 * mutable store (see levelStore.ts), so they never cause a React render.
 */

export const isTurn = (line: TranscriptLine): line is Turn => !('kind' in line);

export const MAX_TURNS = 500;
export const MAX_NOTICES = 3;

export const initialUiState: UiState = {
  state: 'idle',
  devices: {},
  turns: [],
  consent: [],
  error: null,
  notices: [],
  meter: null,
  userSlot: null,
  nextNoticeId: 1,
};

export type UiAction =
  | { type: 'events'; events: readonly AssistantEvent[] }
  | { type: 'dismiss-error' }
  | { type: 'dismiss-notice'; id: number }
  | { type: 'clear-transcript' }
  /** The prompt is gone without a `consent.settled` (main said the question was no longer open). */
  | { type: 'consent-closed'; id: string };

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'events':
      return action.events.reduce(reduceEvent, state);
    case 'dismiss-error':
      return state.error ? { ...state, error: null } : state;
    case 'dismiss-notice':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'clear-transcript':
      return { ...state, turns: [], userSlot: null };
    case 'consent-closed':
      return closeConsent(state, action.id);
  }
}

/** States in which the connection works again: a previous error is over. */
const RECOVERED: ReadonlySet<AssistantState> = new Set(['connecting', 'listening', 'user-speaking', 'thinking', 'speaking']);

export function reduceEvent(state: UiState, event: AssistantEvent): UiState {
  switch (event.type) {
    case 'state': {
      const next: UiState = { ...state, state: event.state };
      if (event.state === 'reconnecting') next.attempt = event.attempt ?? (state.state === 'reconnecting' ? state.attempt : 1);
      else delete next.attempt;
      if (RECOVERED.has(event.state) && state.error && event.state !== state.state) next.error = null;
      if (event.state === 'user-speaking' && state.state !== 'user-speaking') next.userSlot = state.turns.length;
      return next;
    }
    case 'transcript.delta':
      return upsertTurn(state, event.speaker, event.itemId, (turn) =>
        turn.final ? turn : { ...turn, text: turn.text + event.delta });
    case 'transcript.final':
      return upsertTurn(state, event.speaker, event.itemId, (turn) => ({ ...turn, text: event.text, final: true, ...(event.typed ? { typed: true as const } : {}) }));
    case 'picture': {
      const { thumbnail, width, height, source, name } = event.picture;
      return appendLine(state, { kind: 'picture', itemId: event.itemId, picture: { thumbnail, width, height, source, ...(name !== undefined ? { name } : {}) } });
    }
    case 'interrupted':
      return upsertTurn(state, 'assistant', event.itemId, (turn) => ({
        ...turn,
        cut: { playedMs: event.playedMs, receivedMs: event.receivedMs, reason: event.reason },
      }));
    case 'meter':
      return { ...state, meter: event.meter };
    case 'notice': {
      const notices = [...state.notices, { id: state.nextNoticeId, said: saidOf(event) }].slice(-MAX_NOTICES);
      return { ...state, notices, nextNoticeId: state.nextNoticeId + 1 };
    }
    case 'error':
      return { ...state, error: { code: event.code, said: saidOf(event), fatal: event.fatal } };
    case 'device':
      return { ...state, devices: { ...state.devices, [event.direction]: { name: event.name, followsDefault: event.followsDefault } } };
    case 'tool.call':
    case 'tool.result':
    case 'consent.request':
    case 'consent.settled':
      return reduceToolEvent(state, event, appendLine);
    case 'levels':
    case 'muted':
    case 'usage': // summed by the engine's meter (`meter`)
    case 'session.usage':
    case 'session.started':
      return state;
  }
}

function upsertTurn(state: UiState, speaker: Turn['speaker'], itemId: string, update: (turn: Turn) => Turn): UiState {
  const index = state.turns.findIndex((t) => isTurn(t) && t.itemId === itemId && t.speaker === speaker);
  if (index >= 0) {
    const turns = state.turns.slice();
    turns[index] = update(state.turns[index] as Turn);
    return { ...state, turns };
  }
  const turn = update({ itemId, speaker, text: '', final: false });
  return appendLine(state, turn, speaker === 'user');
}

/**
 * Adds a line to the transcript, a user's turn where the user started speaking (see `userSlot`),
 * and keeps the transcript to its last MAX_TURNS lines.
 */
export function appendLine(state: UiState, line: TranscriptLine, inUserSlot = false): UiState {
  let turns: TranscriptLine[];
  let userSlot = state.userSlot;
  if (inUserSlot && userSlot !== null && userSlot <= state.turns.length) {
    turns = [...state.turns.slice(0, userSlot), line, ...state.turns.slice(userSlot)];
    userSlot = null;
  } else {
    turns = [...state.turns, line];
  }
  if (turns.length > MAX_TURNS) {
    const drop = turns.length - MAX_TURNS;
    turns = turns.slice(drop);
    if (userSlot !== null) userSlot = Math.max(0, userSlot - drop);
  }
  return { ...state, turns, userSlot };
}

/** Something is playing that the interrupt button (or Esc) can cut. */
export function canInterrupt(state: AssistantState): boolean {
  return state === 'speaking';
}

/** The session is running (Talk shows Stop). */
export function isActive(state: AssistantState): boolean {
  return state !== 'idle' && state !== 'error';
}

/** What a notice or error event says (key and params), without the event's other fields. */
function saidOf<S extends NoticeSaid>(event: S): S {
  return (event.params === undefined ? { key: event.key } : { key: event.key, params: event.params }) as S;
}
