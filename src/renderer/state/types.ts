import type { AssistantEvent, AssistantState, ErrorCode, NoticeSaid, PictureSummary, Said, ToolOutcome } from '../../shared/ipc';
import type { MeterReading } from '../../shared/meter-words';

/**
 * The conversation screen's state, as plain types: what reducer.ts (speech, notices, devices) and
 * tools.ts (tool activity, consent) reduce AssistantEvents into, and what the components show.
 */

export interface Cut {
  playedMs: number;
  receivedMs: number;
  reason: 'barge-in' | 'user';
}

export interface Turn {
  itemId: string;
  speaker: 'user' | 'assistant';
  text: string;
  final: boolean;
  cut?: Cut;
  /** The user typed these words (the text field, `--text`) rather than said them. */
  typed?: true;
}

/** A tool the assistant used: its own transcript line, from its call to its outcome. */
export interface ToolLine {
  kind: 'tool';
  callId: string;
  /** The tool's name (`read_clipboard`); an MCP server's tool by its own name. */
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  source: 'function' | 'mcp';
  /** The MCP server's label. */
  server?: string;
  /** Missing while it runs. */
  outcome?: ToolOutcome;
  /** What went back to the model (JSON text). */
  output?: string;
}

/** A picture the conversation was shown: the window holds only its summary and small thumbnail. */
export interface PictureLine {
  kind: 'picture';
  itemId: string;
  picture: PictureShown;
}

/** What the window shows of a picture: the thumbnail, the size sent, where it came from. */
export type PictureShown = Pick<PictureSummary, 'thumbnail' | 'width' | 'height' | 'source' | 'name'>;

/** One line of the transcript: something said, a tool the assistant used, or a picture shown (each its own entry). */
export type TranscriptLine = Turn | ToolLine | PictureLine;

export type ConsentRequestEvent = Extract<AssistantEvent, { type: 'consent.request' }>;

/** A consent question the window shows: the request as it came. */
export type ConsentPrompt = Omit<ConsentRequestEvent, 'type'>;

export interface UiError {
  code: ErrorCode;
  /** The engine's words: a catalogue key and params (see `saidWords`). */
  said: Said;
  fatal: boolean;
}

export interface Notice {
  id: number;
  /** The engine's words or main's own (`main.` keys), by key. */
  said: NoticeSaid;
}

/** A microphone or speaker in use, as the engine's `device` event names it. */
export interface DeviceShown {
  name: string;
  followsDefault: boolean;
}

export interface UiState {
  state: AssistantState;
  /** The microphone and speaker in use (live devices only; they change when the system's do). */
  devices: { input?: DeviceShown; output?: DeviceShown };
  /** Reconnect attempt, while `state` is 'reconnecting'. */
  attempt?: number;
  turns: TranscriptLine[];
  /** Open consent questions, oldest first: the prompt shows the first. */
  consent: ConsentPrompt[];
  error: UiError | null;
  notices: Notice[];
  /** The conversation's cost and time meter (the engine's latest reading; the last conversation's total once it ended). */
  meter: MeterReading | null;
  /**
   * Where the next user turn belongs. A user's transcript usually completes after the reply to it
   * has started streaming; it is placed where the user started speaking, not where it arrived.
   */
  userSlot: number | null;
  nextNoticeId: number;
}
