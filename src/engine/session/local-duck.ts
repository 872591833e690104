/**
 * The duck of a local voice onset (issue 12, both session kinds): the local VAD heard the user
 * over a playing reply, so the reply fades out at once (the player's pause, the same fade
 * as pause-then-decide's hold), and the server decides. Its confirmation (Realtime:
 * `speech_started`; GPT-Live: the model yielding) hands over to the usual barge-in, which cuts or
 * holds; none within `windowMs` and the reply fades back in where it stopped. The server stays
 * the judge of turns: the local VAD only removes the wait.
 *
 * One unconfirmed duck per reply: where the microphone hears the speaker and no echo canceller
 * runs (the default for Realtime, which cannot know about headphones), the reply's own voice may
 * sound like a voice onset; the server would then not confirm, and without this rule the reply
 * would stutter (duck, resume, its echo, duck...). A second cough in the same reply goes to the
 * server alone.
 *
 * A pause rather than a lower gain: a reply that resumes has lost no word (a duck in gain would
 * play on under the user, and those words would be missed though counted as heard), the truncate
 * of a confirmed barge-in counts exactly what was heard before the pause, and the echo stops with
 * it, so the server's VAD hears the user alone.
 */
/** What a duck needs of the player (the Player and every SessionPlayer have it). */
export interface DuckPlayer {
  /** The player's pause/resume (fade out and hold; fade back in). */
  pause(): void;
  resume(): void;
  /** Paused already (pause-then-decide holds the reply): then there is nothing to duck. */
  readonly isPaused: boolean;
}

/**
 * How long a duck waits for the server. Measured here: the simulator's VAD calls speech 30 ms after
 * the voice begins (bench/vad.ts), so over a local socket speech_started follows the duck within
 * ~10-60 ms (the 40 ms batches and the socket). OpenAI's server_vad cannot be measured offline; it
 * needs a few hundred ms of speech (its prefix padding is 300 ms) plus the network's round trip,
 * and GPT-Live's model must stop talking and its audio stall (60-200 ms) under the user's voice.
 * 700 ms covers those with room for a slow link, and a cough costs the listener at most that much
 * silence, once per reply.
 */
export const DUCK_WINDOW_MS = 700;
/**
 * Onsets taken back (a click, a tap) that a reply may be ducked for: each costs the listener a few
 * tens of ms of silence, so typing through a reply would stutter it. After this many the reply
 * is left to the server.
 */
export const MAX_RETRACTED_DUCKS = 3;

export class LocalDuck {
  private timer: NodeJS.Timeout | null = null;
  private since = 0;
  private replyId: string | null = null;
  /** The reply whose duck the server did not confirm: it is not ducked again. */
  private spentOn: string | null = null;
  /** Ducks of `replyId` that the local VAD took back. */
  private retracted = 0;

  constructor(
    private readonly target: DuckPlayer,
    private readonly log: (line: string) => void,
    private readonly windowMs: number = DUCK_WINDOW_MS,
  ) {}

  /** The reply is ducked, waiting for the server. */
  get ducked(): boolean {
    return this.timer !== null;
  }

  /** A local voice onset over the reply `replyId`: duck now, unless it is ducked or held already, or was ducked in vain. */
  voiceHeard(replyId: string): void {
    if (this.timer || this.target.isPaused || this.spentOn === replyId) return;
    if (this.replyId !== replyId) this.retracted = 0;
    this.replyId = replyId;
    this.target.pause();
    this.since = performance.now();
    this.timer = setTimeout(() => this.release(), this.windowMs);
    this.log('local VAD: voice over the reply, ducked');
  }

  /**
   * The server confirmed: the barge-in policy takes over in the same tick. The reply is un-ducked
   * first, so a policy that holds pauses it again and one that cuts flushes it (no frame is pulled
   * in between, so nothing is heard); a policy that does neither leaves it playing, not stuck.
   */
  confirmed(): void {
    if (!this.timer) return;
    this.stopTimer();
    this.log(`local VAD: the server confirmed after ${Math.round(performance.now() - this.since)} ms`);
    this.target.resume();
  }

  /**
   * The local VAD took its onset back (the sound stopped too soon to be a voice): the reply fades
   * back in now rather than after the window. Not counted as a duck in vain, unless the reply has
   * been ducked for such sounds `MAX_RETRACTED_DUCKS` times. A server that confirms later still
   * barges in as usual.
   */
  voiceRetracted(): void {
    if (!this.timer) return;
    this.stopTimer();
    if (++this.retracted >= MAX_RETRACTED_DUCKS) this.spentOn = this.replyId;
    this.log(`local VAD: a short sound, not a voice (${Math.round(performance.now() - this.since)} ms), the reply resumes`);
    this.target.resume();
  }

  /** The reply was cut or flushed (which ends any pause): forget the duck, touch nothing. */
  clear(): void {
    this.stopTimer();
  }

  private release(): void {
    this.timer = null;
    this.spentOn = this.replyId;
    this.log(`local VAD: no confirmation within ${this.windowMs} ms, the reply resumes`);
    this.target.resume();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
