import type { InterruptReason } from '../../events';
import type { Settings } from '../../settings';

/**
 * What happens when the user speaks over a reply (Pipecat style: one file per strategy, named for
 * what it decides): `immediate-interruption.ts` cuts at once, `pause-then-decide.ts` holds the
 * reply until the speech proves real or not. The turn state machine feeds a policy the server's
 * speech events; the policy acts through `BargeInTarget`.
 */
export interface BargeInPolicy {
  speechStarted(itemId: string, audioStartMs: number): void;
  /** True when the policy took the event (the state machine then leaves its state alone). */
  speechStopped(itemId: string, audioEndMs: number): boolean;
  /** A transcript delta (`complete` false) or the whole transcript of a user turn. */
  transcript(itemId: string, text: string, complete: boolean): void;
  /** The user's turn is in the conversation (input_audio_buffer.committed). */
  committed(itemId: string): void;
  /** A cut (by the policy, the button, push-to-talk): whatever is on hold is decided. */
  interrupted(): void;
  /** The session's turns ended: forget everything. */
  reset(): void;
}

/** What a policy may do to the conversation. */
export interface BargeInTarget {
  /** A reply is playing, still generating, or queued. */
  replyInProgress(): boolean;
  /** The barge-in sequence: silence, cancel, truncate at what was heard. */
  cut(reason: InterruptReason): boolean;
  /** Fades the reply out and holds it. */
  hold(): void;
  /** Fades the held reply back in where it stopped. */
  release(): void;
  /** Asks the server for a reply (response.create). */
  requestReply(): void;
  log(line: string): void;
}

/** 'pause-then-decide' needs the server's VAD; with manual turns every interruption is immediate. */
export function pausesThenDecide(settings: Settings): boolean {
  return settings.interruption.mode === 'pause-then-decide' && settings.turnDetection.mode !== 'manual';
}
