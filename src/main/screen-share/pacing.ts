import type { AssistantState } from '../../shared/ipc';

/** While sharing, at most one frame a second goes to the conversation. */
export const MIN_FRAME_INTERVAL_MS = 1_000;

/**
 * When a shared screen needs a fresh frame: when a new user turn begins (the state becomes
 * `user-speaking`) or a typed text is about to be sent, never sooner than MIN_FRAME_INTERVAL_MS
 * after the last one (that one is fresh enough for the turn). Whether the frame changed is the
 * engine's business: it skips a picture identical to the last one sent.
 */
export class FramePacer {
  private state: AssistantState = 'idle';
  private lastAt: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Follows the assistant's state; true when a user turn just began. */
  turnBegins(state: AssistantState): boolean {
    const begins = state === 'user-speaking' && this.state !== 'user-speaking';
    this.state = state;
    return begins;
  }

  /** Whether a frame may be taken now; if so, it counts as taken. */
  take(): boolean {
    const now = this.now();
    if (this.lastAt !== undefined && now - this.lastAt < MIN_FRAME_INTERVAL_MS) return false;
    this.lastAt = now;
    return true;
  }

  /** A new share starts its own count (its first frame goes at once). */
  reset(): void {
    this.lastAt = undefined;
  }
}
