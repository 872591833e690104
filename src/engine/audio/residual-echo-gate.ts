import { ENGINE_FRAME_SAMPLES } from './devices/types';

/**
 * What AEC3 leaves of the echo, kept from the server (issue 26). Under load the echo path shifts
 * under the canceller (underflows, a moving output latency) and for a moment its residual leaks at
 * up to -35 dBFS: the server's VAD took that for the user and cut or held the reply (the flaky
 * rig test of issue 22: a false barge-in at the start of a reply, one run in three). The
 * double-talk test knows from the raw microphone whether a frame holds anything besides the echo;
 * where it holds only echo, what the canceller passes is lowered by `CLOSED_DB` more. Two frames
 * of near-end sound in a row open the gate for `HOLD_MS` (a voice over the reply is near-end only
 * where it stands clear of the echo: between its syllables; one frame alone is as often a leak the
 * test misjudged, on a machine whose underflows move the echo), and nothing changes while no echo
 * is expected.
 */
export const CLOSED_DB = -30;
export const HOLD_MS = 300;
const CLOSED_GAIN = 10 ** (CLOSED_DB / 20);
const HOLD_FRAMES = HOLD_MS / 10;

export class ResidualEchoGate {
  private readonly out = new Int16Array(ENGINE_FRAME_SAMPLES);
  private gain = 1;
  private holdFrames = 0;
  private nearEndRun = 0;

  /** Whether the last frame went through unchanged. */
  get open(): boolean {
    return this.gain === 1;
  }

  /**
   * A cleaned 10 ms frame, with the double-talk verdict of its raw frame: the frame to send (a
   * buffer reused by the next call). The gain moves linearly across a frame, so it never clicks.
   */
  apply(frame: Int16Array, verdict: { nearEnd: boolean; echoExpected: boolean }): Int16Array {
    this.nearEndRun = verdict.nearEnd ? this.nearEndRun + 1 : 0;
    if (this.nearEndRun >= 2) this.holdFrames = HOLD_FRAMES;
    else if (this.holdFrames > 0) this.holdFrames--;
    const target = !verdict.echoExpected || this.holdFrames > 0 ? 1 : CLOSED_GAIN;
    if (target === 1 && this.gain === 1) return frame;
    const from = this.gain;
    const n = frame.length;
    const out = n === this.out.length ? this.out : new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round(frame[i]! * (from + ((target - from) * (i + 1)) / n));
    this.gain = target;
    return out;
  }

  reset(): void {
    this.gain = 1;
    this.holdFrames = 0;
    this.nearEndRun = 0;
  }
}
