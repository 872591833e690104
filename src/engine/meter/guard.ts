import type { AssistantEvent } from '../events';
import { say } from '../messages';
import { resolveProtocol, type Settings } from '../settings';
import { ConversationMeter } from './meter';

/** How long a GPT-Live conversation that reached its cap may go on for the reply in progress. */
export const CAP_END_GRACE_MS = 20_000;

export interface MeterGuardHooks {
  /** Sends an event to the front ends (the Assistant's own emit). */
  emit(event: AssistantEvent): void;
  /** The cap holds (or frees) the microphone: the Assistant mutes the session without touching the user's own mute. */
  holdMicrophone(held: boolean): void;
  /** Whether a reply is still playing, and a way to hear when it stops (returns the unsubscribe). */
  playing(): boolean;
  onIdle(listener: () => void): () => void;
  /** Ends the conversation (the Assistant's stop). */
  stop(): void;
}

/**
 * The running conversation's meter and its spending cap, for the Assistant. It reads the
 * conversation's events, emits a `meter` event whenever the reading changes (each response or
 * usage report, each new session, a changed cap) and a `final` one when the conversation ends.
 *
 * The cap (Settings `spendingCapUsd`, per conversation): when the estimated cost reaches it, the
 * microphone is held with a notice, and a reply in progress may finish. It is lifted by raising
 * (or removing) the cap in Settings, or by starting a new conversation; the user's own unmute does
 * not lift it. Realtime spends nothing more once nobody speaks to it. GPT-Live bills every second
 * a session is open, muted or not, so there the conversation also ends once the reply in progress
 * has played (at most `CAP_END_GRACE_MS`). An unknown price cannot be capped: a notice says so once.
 */
export class MeterGuard {
  private meter: ConversationMeter | null = null;
  private settings: Settings | null = null;
  private heldFlag = false;
  private unknownTold = false;
  private ending: (() => void) | null = null;

  constructor(private readonly hooks: MeterGuardHooks) {}

  /** The cap holds the microphone. */
  get held(): boolean {
    return this.heldFlag;
  }

  /** A new conversation: a new meter, the cap lifted. */
  begin(settings: Settings): void {
    this.cancelEnding();
    this.meter = new ConversationMeter(settings);
    this.settings = settings;
    this.unknownTold = false;
    this.setHeld(false);
  }

  observe(event: AssistantEvent): void {
    if (this.meter?.observe(event)) this.changed();
  }

  /** New settings mid-conversation: a raised or removed cap lifts the hold. */
  configure(settings: Settings): void {
    this.settings = settings;
    if (!this.meter?.configure(settings)) return;
    const capUsd = settings.spendingCapUsd;
    if (this.heldFlag && !this.meter.capReached) {
      this.cancelEnding();
      this.setHeld(false);
      this.hooks.emit({ type: 'notice', ...(capUsd === undefined ? say('notice.spendingCapRemoved') : say('notice.spendingCapRaised', { capUsd })) });
    }
    this.changed();
  }

  /** The conversation has ended (after its sessions closed and reported their final usage). */
  end(): void {
    this.cancelEnding();
    const meter = this.meter;
    this.meter = null;
    this.setHeld(false);
    // A conversation that never got a session has nothing to report.
    const reading = meter?.reading(true);
    if (reading && reading.sessions > 0) this.hooks.emit({ type: 'meter', meter: reading });
  }

  private changed(): void {
    const meter = this.meter;
    if (!meter) return;
    const reading = meter.reading();
    this.hooks.emit({ type: 'meter', meter: reading });
    if (reading.capUsd !== undefined && reading.costUsd === null && !this.unknownTold) {
      this.unknownTold = true;
      this.hooks.emit({ type: 'notice', ...say('notice.spendingCapUnknownPrice', { model: reading.unknownModels.join(', ') }) });
    }
    if (!reading.capReached || this.heldFlag || reading.capUsd === undefined || reading.costUsd === null) return;
    this.setHeld(true);
    const live = this.settings !== null && resolveProtocol(this.settings) === 'live';
    const params = { capUsd: reading.capUsd, costUsd: reading.costUsd };
    this.hooks.emit({ type: 'notice', ...(live ? say('notice.spendingCapReachedLive', params) : say('notice.spendingCapReached', params)) });
    if (live) this.endWhenQuiet();
  }

  private setHeld(held: boolean): void {
    if (held === this.heldFlag) return;
    this.heldFlag = held;
    this.hooks.holdMicrophone(held);
  }

  private endWhenQuiet(): void {
    const stop = () => {
      this.cancelEnding();
      this.hooks.stop();
    };
    if (!this.hooks.playing()) return stop();
    const unsubscribe = this.hooks.onIdle(stop);
    const timer = setTimeout(stop, CAP_END_GRACE_MS);
    timer.unref();
    this.ending = () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }

  private cancelEnding(): void {
    this.ending?.();
    this.ending = null;
  }
}
