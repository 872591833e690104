import type { AssistantEvent, AssistantState, ErrorCode, InterruptReason } from '../events';
import type { Credentials, Protocol, Settings } from '../settings';

/**
 * One engine interface, two kinds of conversation (ARCHITECTURE.md, "Contracts"): the turn-based
 * Realtime session and the full-duplex GPT-Live session. The Assistant (composition root), the
 * front ends and the tests drive a `ConversationSession` and do not care which kind runs.
 *
 * A session owns its socket(s), its reconnects and renewals, the conversation's state machine
 * (the only place that sets AssistantState once the session exists) and what it tells the player.
 * It knows nothing of devices: the mic path hands it batches of 24 kHz mono PCM, and it plays
 * through the `SessionPlayer` it was given.
 */
export interface ConversationSession {
  readonly protocol: Protocol;
  readonly state: AssistantState;
  /** Whether microphone audio should be sent now (connected, not muted, talking in manual mode). */
  readonly acceptsAudio: boolean;
  /**
   * Opens the first connection and configures it. Resolves once audio may flow; rejects with a
   * `SessionError` (one line, no secrets) when the first connection cannot be made or refuses us.
   * Later losses are handled inside (reconnect, renewal) and reported as events.
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
  setMuted(muted: boolean): void;
  /** New settings while running: what the protocol can change live is sent, the rest applies to the next session. */
  updateSettings(settings: Settings): void;
  /**
   * Ends the conversation: Realtime closes its socket; GPT-Live sends `session.close` and waits
   * (bounded) for `session.closed` and its final usage. Idempotent.
   */
  close(): Promise<void>;
}

/** The part of the Player a session drives. */
export interface SessionPlayer {
  enqueue(itemId: string, pcm: Int16Array): void;
  /** Silences output within one device buffer; what was playing, or null when nothing was. */
  flush(): FlushedAudio | null;
  /** Fades out (at most 20 ms) and holds the queue position. */
  pause(): void;
  /** Fades back in where pause() stopped. */
  resume(): void;
  readonly isPlaying: boolean;
}

export interface FlushedAudio {
  itemId: string;
  /** What the user heard of the item, counted at the speaker. */
  playedMs: number;
  /** What had arrived of the item. */
  receivedMs: number;
}

/** Why opening a session failed: `code` for programs, `message` (one line, no secrets) for people. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the composition root hands a session when it creates one. */
export interface SessionContext {
  settings: Settings;
  credentials: Credentials;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl?: string;
  player: SessionPlayer;
  emit: (event: AssistantEvent) => void;
  log: (line: string) => void;
}
