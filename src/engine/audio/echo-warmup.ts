import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE } from './devices/types';

/**
 * The echo canceller's warm-up, for full duplex (GPT-Live). AEC3 learns the echo path from what the
 * speaker plays: on this rig it reached 20 dB of echo return loss enhancement over the first ~2 s
 * of far-end speech (test/audio/echo), and before that the echo leaks through loud enough for a
 * full-duplex model to take it for the user and stop itself. So until the canceller has heard
 * `warmupMs` of audible playback, microphone audio captured while the speaker plays (plus the
 * device's latency and a short room tail) is replaced by silence on its way to the session: the
 * stream stays continuous, the model hears no echo, and for those first seconds of reply only
 * push-to-interrupt (not the voice) can cut it. After the warm-up the path is full duplex.
 */

export const ECHO_WARMUP_MS = 2_000;
/** Echo outlasts the frame that caused it by the device latency and the room's tail. */
const TAIL_MS = 150;
/**
 * The speaker's pulls may stop mid-playback for this long (a busy event loop delays the output
 * callback, while the device plays on from its buffer) before the gate stops trusting that it plays.
 */
const STALL_MS = 1_000;
/** A reference frame with a sample above this (about -50 dBFS) is audible playback. */
const AUDIBLE_PEAK = 100;
const FRAME_MS = (ENGINE_FRAME_SAMPLES * 1000) / ENGINE_SAMPLE_RATE;

/**
 * Time here is the time a frame is *handled* (pulled, or captured audio processed), which a busy
 * event loop skews: callbacks of both devices arrive late and in bursts, in either order. So the
 * gate does not time out while the last reference frame was audible (the speaker is still playing,
 * its pulls are just late); the tail counts from the first inaudible frame the speaker pulls.
 */
export class EchoWarmup {
  private audibleMs = 0;
  /** The last frame the speaker pulled was audible: playback is under way. */
  private playing = false;
  private lastRenderAt = Number.NEGATIVE_INFINITY;
  private latencyMs = 0;
  private audibleUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly warmupMs = ECHO_WARMUP_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Audible playback the canceller has learned from so far. */
  get learnedMs(): number {
    return this.audibleMs;
  }

  get warm(): boolean {
    return this.audibleMs >= this.warmupMs;
  }

  /** A frame the speaker pulled (the echo reference); `latencyMs` until it is heard. */
  render(frame: Int16Array, latencyMs: number): void {
    if (this.warm) return;
    const now = this.now();
    const wasPlaying = this.playing;
    this.playing = audible(frame);
    this.lastRenderAt = now;
    this.latencyMs = Math.max(0, latencyMs);
    if (this.playing) this.audibleMs += (frame.length * 1000) / ENGINE_SAMPLE_RATE || FRAME_MS;
    if (this.playing || wasPlaying) this.audibleUntil = now + this.latencyMs + TAIL_MS;
  }

  /** Whether the microphone would now carry unlearned echo: still warming up and the speaker playing. */
  get gating(): boolean {
    if (this.warm) return false;
    const now = this.now();
    if (this.playing) return now - this.lastRenderAt < STALL_MS + this.latencyMs + TAIL_MS;
    return now < this.audibleUntil;
  }

  /** A new canceller starts from nothing. */
  reset(): void {
    this.audibleMs = 0;
    this.playing = false;
    this.lastRenderAt = Number.NEGATIVE_INFINITY;
    this.audibleUntil = Number.NEGATIVE_INFINITY;
  }
}

function audible(frame: Int16Array): boolean {
  for (let i = 0; i < frame.length; i++) {
    const s = frame[i]!;
    if (s > AUDIBLE_PEAK || s < -AUDIBLE_PEAK) return true;
  }
  return false;
}
