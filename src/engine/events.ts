import type { PictureSummary } from './input/types';
import type { EngineMessage } from './messages';
import type { MeterReading } from './meter/reading';
import type { Protocol } from './settings';
import type { ConsentAnswer, ConsentRequest, ToolOutcome } from './tools/types';

/**
 * AssistantEvent: the one vocabulary every front end (terminal, Electron renderer) shows.
 * Everything here is plain data, safe to serialise over IPC.
 */

export type AssistantState =
  | 'idle'
  | 'connecting'
  | 'reconnecting'
  | 'listening'
  | 'user-speaking'
  | 'thinking'
  | 'speaking'
  | 'interrupted'
  | 'error';

export type Speaker = 'user' | 'assistant';

/** A level in dBFS: 0 is full scale, silence is `SILENCE_DB`. */
export interface Level {
  rmsDb: number;
  peakDb: number;
}

export const SILENCE_DB = -100;

export type InterruptReason = 'barge-in' | 'user';

export type ErrorCode =
  | 'auth' // 401/403: the key is wrong or lacks access
  | 'not-found' // 404: unknown model or deployment
  | 'rate-limit' // 429 or rate_limits exhausted
  | 'network' // refused, DNS, timeout, dropped
  | 'server' // 5xx or a server `error` event
  | 'protocol' // a malformed or unexpected server event
  | 'session-expired'
  | 'device' // microphone or speaker failed
  | 'config' // an invalid setting
  | 'internal';

/**
 * One Realtime response's tokens (`response.done` usage, `RealtimeResponseUsage`). Cached tokens
 * are a part of the input tokens, billed at the cached rate; the details are there when the server
 * sent them.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  inputTextTokens?: number;
  inputAudioTokens?: number;
  inputImageTokens?: number;
  cachedTokens?: number;
  cachedTextTokens?: number;
  cachedAudioTokens?: number;
  cachedImageTokens?: number;
  outputTextTokens?: number;
  outputAudioTokens?: number;
}

export type AssistantEvent =
  | { type: 'state'; state: AssistantState; attempt?: number }
  | { type: 'transcript.delta'; speaker: Speaker; itemId: string; delta: string }
  /** `typed` marks a user turn that was typed, not spoken (issue 23). */
  | { type: 'transcript.final'; speaker: Speaker; itemId: string; text: string; typed?: true }
  /** A picture joined the conversation (front ends show its thumbnail in the transcript; the log keeps it). */
  | { type: 'picture'; itemId: string; picture: PictureSummary }
  /** A reply was cut: `playedMs` of `receivedMs` were heard (the truncate sent to the server). */
  | { type: 'interrupted'; itemId: string; reason: InterruptReason; playedMs: number; receivedMs: number }
  /** At most 60 Hz. `output` is the level of what is heard now, not of what was received. */
  | { type: 'levels'; input: Level; output: Level }
  | { type: 'usage'; responseId: string; usage: Usage }
  /**
   * GPT-Live bills by duration: the audio seconds a session has used so far (cumulative per
   * session, not to be summed), `final` with the total its `session.closed` reports.
   */
  | { type: 'session.usage'; sessionId: string; seconds: number; final: boolean }
  /**
   * A session of the conversation started (the first, a reconnect, a renewal): the server's id for
   * it, the model it reports, and when it reaches its time limit (Unix ms).
   */
  | { type: 'session.started'; protocol: Protocol; sessionId: string; model?: string; expiresAt?: number }
  /** The conversation's cost and time meter: after usage, a new session or a changed cap, and once more (`final`) when it ends. */
  | { type: 'meter'; meter: MeterReading }
  /**
   * Tool activity, its own entries in transcripts and history. `source` 'function' is Kaiwa's own
   * tool; 'mcp' a remote MCP server's (`server` its label), run by the model's service.
   */
  | { type: 'tool.call'; callId: string; name: string; arguments: string; source: 'function' | 'mcp'; server?: string }
  | { type: 'tool.result'; callId: string; name: string; outcome: ToolOutcome; output: string; source: 'function' | 'mcp'; server?: string }
  /** Consent asked of the user; front ends answer through `Assistant.answerConsent(id, answer)`. */
  | ({ type: 'consent.request' } & ConsentRequest)
  /** The question is settled (answered anywhere, or timed out): front ends close their prompt. */
  | { type: 'consent.settled'; id: string; answer: ConsentAnswer | 'timeout' }
  /**
   * The microphone (`input`) or speaker (`output`) in use: sent when the devices start and whenever
   * that changes mid-conversation (a new system default, a picked device back). `name` is the
   * device's own (or the sound server's) name; `followsDefault` false for a device the user picked.
   */
  | { type: 'device'; direction: 'input' | 'output'; name: string; followsDefault: boolean }
  /** The microphone was muted or unmuted (from any front end: window, tray, hotkey). */
  | { type: 'muted'; muted: boolean }
  | ({ type: 'notice' } & NoticeSaid)
  | ({ type: 'error'; code: ErrorCode; fatal: boolean } & Said);

/**
 * What a notice or error says, for front ends to put into words: a catalogue key and its params
 * (messages.ts). The engine holds no sentence a person reads, and no English copy of one.
 */
export type Said = EngineMessage;

/**
 * A notice of the desktop app's own that main sends beside the engine's (a mute, a shortcut not
 * registered): a catalogue key under `main.` (the engine names none), its params plain values or
 * nested words. Front ends put it into words as they do the engine's.
 */
export interface AppSaid {
  key: `main.${string}`;
  params?: Record<string, unknown>;
}

export type NoticeSaid = Said | AppSaid;

export type AssistantEventListener = (event: AssistantEvent) => void;
