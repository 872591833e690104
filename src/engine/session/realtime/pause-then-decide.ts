import type { Settings } from '../../settings';
import type { BargeInPolicy, BargeInTarget } from './barge-in';

/**
 * 'pause-then-decide': the server keeps going (interrupt_response and create_response off); the
 * reply fades out and holds until the user's speech proves real (long enough, or transcribed
 * words) or not (a cough, "mm-hmm"), then it is cut or resumes where it stopped.
 *
 * The trade-off: a cough or "mm-hmm" no longer kills the reply, but a real interruption reaches
 * the server later (the user hears silence within 20 ms either way, but the cancel and truncate
 * wait for `minSpeechMs` of speech, up to `minSpeechMs + silenceDurationMs` after
 * speech_started), a short real one ("stop") waits for its transcript, and since the client
 * asks for every reply itself (response.create on commit) each turn costs one more round trip.
 */
export class PauseThenDecide implements BargeInPolicy {
  private hold: Hold | null = null;
  /** Turns judged not to be interruptions: no reply is asked for them. */
  private readonly ignoredTurns = new Set<string>();

  constructor(
    private readonly target: BargeInTarget,
    private readonly settings: () => Settings,
  ) {}

  speechStarted(itemId: string, audioStartMs: number): void {
    if (this.hold) {
      // The user speaks again while a short utterance waits for its transcript: that is real.
      if (this.hold.stopped) this.confirm();
      return;
    }
    if (!this.target.replyInProgress()) return;
    this.target.hold();
    const hold: Hold = { itemId, audioStartMs, stopped: false, committed: false, transcript: '', timer: null };
    // Still no speech_stopped after minSpeechMs + the server's silence window: the speech is long.
    const { interruption, turnDetection } = this.settings();
    hold.timer = setTimeout(() => this.confirm(), interruption.minSpeechMs + turnDetection.silenceDurationMs);
    this.hold = hold;
    this.target.log(`barge-in on hold (${itemId})`);
  }

  speechStopped(itemId: string, audioEndMs: number): boolean {
    const hold = this.hold;
    if (hold?.itemId !== itemId) return false;
    if (hold.timer) clearTimeout(hold.timer);
    hold.timer = null;
    if (audioEndMs - hold.audioStartMs >= this.settings().interruption.minSpeechMs) {
      this.confirm();
      return true;
    }
    hold.stopped = true;
    hold.timer = setTimeout(() => this.dismiss(), TRANSCRIPT_WAIT_MS);
    return true;
  }

  transcript(itemId: string, text: string, complete: boolean): void {
    const hold = this.hold;
    if (!hold || hold.itemId !== itemId) return;
    hold.transcript = complete ? text : hold.transcript + text;
    if (hasWords(hold.transcript)) this.confirm();
    else if (complete && hold.stopped) this.dismiss();
  }

  /** Every reply is asked for here, except for turns that were not interruptions. */
  committed(itemId: string): void {
    if (this.hold?.itemId === itemId) {
      this.hold.committed = true;
      return;
    }
    if (this.ignoredTurns.delete(itemId)) return;
    this.target.requestReply();
  }

  interrupted(): void {
    this.clearHold();
  }

  reset(): void {
    this.clearHold();
    this.ignoredTurns.clear();
  }

  /** The speech was real: the usual barge-in, truncated at what was heard before the pause. */
  private confirm(): void {
    const hold = this.hold;
    if (!hold) return;
    this.clearHold();
    this.target.log(`barge-in confirmed (${hold.itemId})`);
    this.target.cut('barge-in');
    if (hold.committed) this.target.requestReply();
  }

  /** Not an interruption: the reply continues where it paused, and the turn gets no reply. */
  private dismiss(): void {
    const hold = this.hold;
    if (!hold) return;
    this.clearHold();
    if (!hold.committed) this.ignoredTurns.add(hold.itemId);
    this.target.log(`barge-in dismissed (${hold.itemId})`);
    this.target.release();
  }

  private clearHold(): void {
    if (this.hold?.timer) clearTimeout(this.hold.timer);
    this.hold = null;
  }
}

/** A barge-in on hold: the reply is paused while the user's speech proves real or not. */
interface Hold {
  itemId: string;
  audioStartMs: number;
  /** speech_stopped arrived and the speech was short: waiting for its transcript. */
  stopped: boolean;
  /** input_audio_buffer.committed arrived for it. */
  committed: boolean;
  /** Its transcript so far (deltas are single words: a sound note spans several). */
  transcript: string;
  timer: NodeJS.Timeout | null;
}

/** How long a short utterance may wait for its transcript before the reply resumes anyway. */
const TRANSCRIPT_WAIT_MS = 1_000;
/** Sounds a transcriber writes for backchannels and hesitations: not an interruption. */
const NON_WORDS = new Set(['mm', 'mmm', 'hm', 'hmm', 'mhm', 'mm-hmm', 'uh-huh', 'uh', 'um', 'umm', 'ah', 'oh', 'er', 'erm']);

/** Words in a transcript, leaving out bracketed sound notes ("[cough]", "(laughs)") and backchannels. */
function hasWords(text: string): boolean {
  const spoken = text.replace(/\([^)]*\)?|\[[^\]]*\]?/g, ' ').toLowerCase();
  for (const token of spoken.split(/[^\p{L}\p{N}'-]+/u)) {
    const word = token.replace(/^[-']+|[-']+$/g, '');
    if (word && !NON_WORDS.has(word)) return true;
  }
  return false;
}
