/**
 * Hold-to-talk as a state machine of the talk key alone: fed key down/up (already matched to the
 * configured key), it answers what to do with the conversation. No timers, no Electron, no hook:
 * the caller passes the time of each event and whether the user is talking now.
 *
 * - Key down while not talking: talking starts at once (no speech is lost waiting to tell a tap
 *   from a hold).
 * - Released after a hold (>= TAP_MS): talking stops, the turn is committed and answered.
 * - Released after a tap (< TAP_MS) that started talking: talking goes on (the tap toggled it on);
 *   the next tap, or the next hold's release, stops it.
 * - Key down while already talking (a tap latched it, or the window's button, or the tray): nothing
 *   yet; the release stops talking, tap or hold alike.
 *
 * TAP_MS = 250: a deliberate key press lasts about 80-150 ms (typing studies put key hold times near
 * 100 ms), while anything worth sending takes longer than a quarter second to say. A hold misread as
 * a tap only leaves talking on (shown in the window), which the next press ends; a tap misread as
 * a hold would send a near-empty turn, so the threshold errs long rather than short.
 */
export const TAP_MS = 250;

export type HoldAction = 'start' | 'stop' | 'none';

export class TalkKeyHold {
  /** When the key went down, and whether that press started talking; undefined while the key is up. */
  private held: { since: number; started: boolean } | undefined;

  constructor(private readonly tapMs = TAP_MS) {}

  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** The key went down. Auto-repeat sends more downs while it is held: those change nothing. */
  down(now: number, talking: boolean): HoldAction {
    if (this.held) return 'none';
    this.held = { since: now, started: !talking };
    return talking ? 'none' : 'start';
  }

  /** The key came up. An up without a down seen (pressed before the hook started) changes nothing. */
  up(now: number): HoldAction {
    const held = this.held;
    if (!held) return 'none';
    this.held = undefined;
    const tap = now - held.since < this.tapMs;
    return tap && held.started ? 'none' : 'stop';
  }

  /**
   * The key's state can no longer be known (the hook stopped, the session locked, the settings
   * changed while it was held): a hold in progress ends as if released (what was said is sent),
   * since no key-up will ever come for it.
   */
  abandon(): HoldAction {
    if (!this.held) return 'none';
    this.held = undefined;
    return 'stop';
  }
}
