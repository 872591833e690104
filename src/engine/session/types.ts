import type { AssistantEvent, AssistantState, ErrorCode, InterruptReason } from '../events';
import type { Credentials, Protocol, Settings } from '../settings';
import type { PlayerEvents } from '../audio/player';
import type { BackoffOptions, RolloverOptions } from '../realtime/reconnect';
import type { EngineMessage } from '../messages';
import type { ReplayRecord } from './replay-record';
import type { SessionTools } from '../tools/types';
import type { PreparedPicture, SessionPictureOutcome } from '../input/types';

/**
 * One engine interface, two kinds of conversation (ARCHITECTURE.md, "Contracts"): the turn-based
 * Realtime session and the full-duplex GPT-Live session. The Assistant (composition root), the
 * front ends and the tests drive a `ConversationSession` and do not care which kind runs.
 *
 * A session owns its socket(s), its reconnects and renewals, the conversation's state machine
 * (the only place that sets AssistantState once the session exists) and what it tells the player.
 * It knows nothing of devices: the mic path hands it batches of 24 kHz mono PCM, and it plays
 * through the `SessionPlayer` it was given.
 *
 * Its life: created by `createSession` (session/index.ts) at `Assistant.start()`, `open()`ed once,
 * `close()`d once; a new start, or a change of protocol or endpoint, makes a new session.
 */
export interface ConversationSession {
  readonly protocol: Protocol;
  /** 'idle' until open(); 'connecting' while it opens; 'idle' or 'error' once closed or failed. */
  readonly state: AssistantState;
  /** Whether microphone audio should be sent now (connected, not muted, talking in manual mode). */
  readonly acceptsAudio: boolean;
  /**
   * Opens the first connection and configures it; the state goes 'connecting', then 'listening'.
   * Resolves once audio may flow. On failure the session emits the fatal `error` event, enters
   * 'error' and rejects with a `SessionError` (one line, no secrets): a first connection that
   * cannot be made or refuses us is the user's to fix, so there is no retry here.
   *
   * Later losses are handled inside (reconnect, renewal) and reported as events. A loss it gives
   * up on is emitted as a fatal `error` event followed by the state 'error': the session has ended
   * (as if closed) and the Assistant stops the devices.
   */
  open(): Promise<void>;
  /** A batch (20-40 ms) of 24 kHz mono microphone audio, after echo cancellation. */
  sendAudio(pcm: Int16Array): void;
  /**
   * Push-to-interrupt (button, hotkey, tray). Silences the player within one device buffer and
   * tells the model by the protocol's own means. False when there was nothing to interrupt.
   */
  interrupt(reason: InterruptReason): boolean;
  /** Manual turns (push-to-talk). Sessions without manual turns ignore them. */
  startTalking(): void;
  stopTalking(): void;
  /**
   * Typed words as a user turn of this conversation (issue 23), already checked (`typedTurn`:
   * trimmed, not empty, within the length). A reply playing is interrupted first exactly as
   * `interrupt('user')` does; the model answers aloud; the words come back as a `transcript.final`
   * with `typed: true`. Returns null when sent, else why not (not open, reconnecting, too long for
   * this protocol), for the caller to say.
   */
  sendText(text: string): EngineMessage | null;
  /**
   * A prepared picture into the conversation, before the user's next turn is committed (Realtime:
   * a user `input_image` item; GPT-Live: see session/live/pictures.ts). 'unsupported' when this
   * session's protocol cannot take it (the caller says so). Emits the `picture` event when sent.
   */
  showPicture(picture: PreparedPicture): SessionPictureOutcome;
  /** The Assistant holds the user's choice and tells every new session right after creating it. */
  setMuted(muted: boolean): void;
  /**
   * Whether the mic path's local VAD should listen now (issue 12): `interruption.localVad` on,
   * not muted, the server able to confirm, and a reply playing. The toggle is honoured here, so
   * both session kinds and the benchmarks can run with it on and off side by side.
   */
  readonly wantsVoiceOnsets: boolean;
  /** The local VAD heard a voice start over the reply: duck it and wait for the server (session/local-duck.ts). */
  voiceOnset(): void;
  /** The local VAD took its last onset back (a click, not a voice): an unconfirmed duck ends now. */
  voiceRetracted(): void;
  /**
   * New settings while running: what the protocol can change live is sent, the rest applies to the
   * next session. (The Assistant makes a new session itself when the protocol or endpoint changes:
   * see `needsNewSession` in session/index.ts.)
   */
  updateSettings(settings: Settings): void;
  /**
   * Ends the conversation: what plays is flushed, the turns in flight end, and the state becomes
   * `finalState` ('idle' when the user stopped, 'error' when the Assistant stops for a failure of
   * its own, such as a device that cannot start). Realtime closes its socket; GPT-Live sends
   * `session.close` and waits (bounded) for `session.closed` and its final usage. Idempotent; after
   * a fatal failure the state stays 'error'.
   */
  close(finalState?: 'idle' | 'error'): Promise<void>;
}

/** The part of the Player a session drives (the Player itself in the app). */
export interface SessionPlayer {
  enqueue(itemId: string, pcm: Int16Array): void;
  /** Silences output within one device buffer; what was playing, or null when nothing was. */
  flush(): FlushedAudio | null;
  /** Fades out (at most 20 ms) and holds the queue position. */
  pause(): void;
  /** Fades back in where pause() stopped. */
  resume(): void;
  /** Paused (held or ducked) and not resumed since. */
  readonly isPaused: boolean;
  readonly isPlaying: boolean;
  /**
   * Playback as heard at the speaker: `item-started`, `item-finished`, `idle`. Returns the
   * unsubscribe; a session unsubscribes in close(), since the player outlives it.
   */
  on<K extends keyof PlayerEvents>(event: K, listener: (...args: PlayerEvents[K]) => void): () => void;
}

export interface FlushedAudio {
  itemId: string;
  /** What the user heard of the item, counted at the speaker. */
  playedMs: number;
  /** What had arrived of the item. */
  receivedMs: number;
}

/** Why opening (or creating) a session failed: `code` for programs, `said` for people (messages.ts), `message` the same in English for logs. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
  }
}

/** Reconnect and renewal tuning; the defaults suit OpenAI (tests and benchmarks shorten the clocks). */
export interface SessionResilience {
  backoff?: BackoffOptions;
  /** Session renewal ahead of the server's duration limit; `false` turns it off. */
  rollover?: RolloverOptions | false;
  /** Once a connection has stayed open this long, the next loss starts again at attempt 1. */
  stableAfterMs?: number;
  connectTimeoutMs?: number;
}

/** What the composition root hands a session when it creates one. */
export interface SessionContext {
  settings: Settings;
  credentials: Credentials;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl?: string;
  player: SessionPlayer;
  /**
   * What was said in this run, kept across sessions and protocols and replayed into every new
   * session (after a reconnect, a renewal, or a switch of protocol). The Assistant already feeds
   * it every `transcript.*` and `interrupted` event the session emits; the session adds what no
   * event carries (`reserve` a user turn's place before its transcript, `interrupted` for a reply
   * cut by a lost session, `settle` when the session's turns end) and maps `replay()` (neutral
   * {speaker, text} turns) to its own wire shape.
   */
  record: ReplayRecord;
  resilience?: SessionResilience;
  /** The tools the model may call (issue 13); absent in contexts without tools (the one-turn endpoint). */
  tools?: SessionTools;
  emit: (event: AssistantEvent) => void;
  log: (line: string) => void;
}
